package io.tokenpulse.app.detect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary of a record with this build's schema, for values that live inside one task's own stores and
 * messages (held records, policies relayed to the token tasks): no registry round trip per record. Written and read
 * by the same build; an upgrade drains the buffer before the schema changes matter (docs/TIME.md).
 */
final class AvroBinary {
    private AvroBinary() {
    }

    /**
     * Readers and writers resolve their schema on first use, which costs far more than the record: one of each per
     * type, shared (they hold no per-call state; the encoders and decoders do).
     */
    private static final ClassValue<SpecificDatumWriter<SpecificRecord>> WRITERS = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected SpecificDatumWriter<SpecificRecord> computeValue(Class<?> type) {
            return new SpecificDatumWriter<>((Class<SpecificRecord>) type);
        }
    };
    private static final ClassValue<SpecificDatumReader<SpecificRecord>> READERS = new ClassValue<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected SpecificDatumReader<SpecificRecord> computeValue(Class<?> type) {
            return new SpecificDatumReader<>((Class<SpecificRecord>) type);
        }
    };

    static <T extends SpecificRecord> byte[] encode(T record, int tag) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(tag);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            WRITERS.get(record.getClass()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        return decode(bytes, 0, bytes.length, type);
    }

    /** Decodes what {@link #encode} wrote at {@code offset}, {@code length} bytes, tag included. */
    static <T extends SpecificRecord> T decode(byte[] bytes, int offset, int length, Class<T> type) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset + 1, length - 1, null);
        try {
            return type.cast(READERS.get(type).read(null, decoder));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
