package io.tokenpulse.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads Avro's binary primitives from a slice of a byte array: the other half of {@link ByteSink}. A string is decoded
 * straight from the array into a {@code String}; Avro's {@code BinaryDecoder} copies it into a {@code Utf8} first, which
 * with its length checks was two thirds of reading a use back from the reorder buffer (issue 11). Truncated or garbled
 * input is an {@link IOException}, never a read past the slice.
 */
public final class ByteSource {
    private final byte[] bytes;
    private final int end;
    private int pos;

    public ByteSource(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of " + bytes.length + " bytes");
        }
        this.bytes = bytes;
        this.pos = offset;
        this.end = offset + length;
    }

    /** An Avro {@code long}: a zig-zag varint of at most 10 bytes. */
    public long readLong() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new EOFException("the input ends inside a number");
            }
            byte b = bytes[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return (v >>> 1) ^ -(v & 1);
            }
        }
        throw new IOException("a number longer than 10 bytes");
    }

    /** An Avro {@code int} (an enum index and a union branch are written the same way). */
    public int readInt() throws IOException {
        long v = readLong();
        if (v != (int) v) {
            throw new IOException("a number out of the int range: " + v);
        }
        return (int) v;
    }

    /** An Avro {@code string}: the UTF-8 length, then the UTF-8. */
    public String readString() throws IOException {
        int n = readInt();
        if (n < 0) {
            throw new IOException("a negative string length: " + n);
        }
        if (n > end - pos) {
            throw new EOFException("a string of " + n + " bytes where " + (end - pos) + " are left");
        }
        String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /** Whether every byte of the slice has been read. */
    public boolean atEnd() {
        return pos == end;
    }
}
