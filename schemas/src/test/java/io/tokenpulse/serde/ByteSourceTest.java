package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** ByteSource reads what Avro's encoder writes, and refuses input that is cut short or garbled. */
class ByteSourceTest {

    @Property(tries = 500)
    void readsAvrosLongsIntsAndStrings(@ForAll long l, @ForAll int i, @ForAll String s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {9, 9});
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        out.writeLong(l);
        out.writeInt(i);
        out.writeString(s);
        out.flush();
        bytes.write(7);
        byte[] b = bytes.toByteArray();
        ByteSource in = new ByteSource(b, 2, b.length - 3);
        assertEquals(l, in.readLong());
        assertEquals(i, in.readInt());
        assertEquals(s, in.readString());
        assertTrue(in.atEnd(), "the byte after the slice is not read");
    }

    @Test
    void inputCutShortOrGarbledIsAnIoException() {
        ByteSink sink = new ByteSink(16);
        sink.writeString("hello");
        byte[] b = sink.toByteArray();
        assertThrows(IOException.class, () -> new ByteSource(b, 0, b.length - 1).readString(), "string cut short");
        assertThrows(IOException.class, () -> new ByteSource(new byte[] {(byte) 0x80}, 0, 1).readLong(), "varint cut short");
        byte[] eleven = new byte[11];
        java.util.Arrays.fill(eleven, (byte) 0xFF);
        assertThrows(IOException.class, () -> new ByteSource(eleven, 0, 11).readLong(), "varint over 10 bytes");
        assertThrows(IOException.class, () -> new ByteSource(new byte[] {1}, 0, 1).readString(), "negative length (-1)");
        ByteSink big = new ByteSink(16);
        big.writeLong(1L << 40);
        byte[] bb = big.toByteArray();
        assertThrows(IOException.class, () -> new ByteSource(bb, 0, bb.length).readInt(), "int out of range");
        assertThrows(IndexOutOfBoundsException.class, () -> new ByteSource(b, 2, b.length));
    }

    @Test
    void readsWhatByteSinkWrites() throws IOException {
        ByteSink sink = new ByteSink(4);
        List<String> strings = List.of("", "a", "caf\u00e9", "\u6f22\u5b57 \ud83d\ude00", "x".repeat(300));
        for (String s : strings) {
            sink.writeString(s);
            sink.writeLong(Long.MIN_VALUE);
            sink.writeLong(-1);
        }
        byte[] b = sink.toByteArray();
        ByteSource in = new ByteSource(b, 0, b.length);
        for (String s : strings) {
            assertEquals(s, in.readString());
            assertEquals(Long.MIN_VALUE, in.readLong());
            assertEquals(-1, in.readInt());
        }
        assertTrue(in.atEnd());
    }
}
