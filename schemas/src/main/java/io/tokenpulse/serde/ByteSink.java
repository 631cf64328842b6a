package io.tokenpulse.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte array to write records into, with Avro's binary primitives (zig-zag varints, length-prefixed UTF-8)
 * and fixed big-endian ints: the reorder buffer writes every held record straight into its pack with it, without a
 * stream or a byte array per record.
 */
public final class ByteSink {
    private byte[] bytes;
    private int size;

    public ByteSink(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    public int size() {
        return size;
    }

    public void write(int b) {
        room(1);
        bytes[size++] = (byte) b;
    }

    public void write(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    /** Four bytes, big-endian. */
    public void writeFixedInt(int v) {
        room(4);
        putFixedInt(size, v);
        size += 4;
    }

    /** Overwrites four bytes written before at {@code at}. */
    public void putFixedInt(int at, int v) {
        bytes[at] = (byte) (v >>> 24);
        bytes[at + 1] = (byte) (v >>> 16);
        bytes[at + 2] = (byte) (v >>> 8);
        bytes[at + 3] = (byte) v;
    }

    /** An Avro {@code long} (an {@code int}, an enum index and a union branch are written the same way). */
    public void writeLong(long n) {
        room(10);
        long v = (n << 1) ^ (n >> 63);
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    /** An Avro {@code string}: the UTF-8 length, then the UTF-8. */
    public void writeString(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                writeLong(utf8.length);
                write(utf8);
                return;
            }
        }
        writeLong(n);
        room(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
    }

    /** A {@code ["null", "string"]} union: the branch, then the string if there is one. */
    public void writeOptionalString(String s) {
        if (s == null) {
            writeLong(0);
        } else {
            writeLong(1);
            writeString(s);
        }
    }

    /** Forgets what was written after the first {@code size} bytes. */
    public void truncate(int size) {
        this.size = Math.min(this.size, Math.max(0, size));
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void room(int n) {
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }
    }
}
