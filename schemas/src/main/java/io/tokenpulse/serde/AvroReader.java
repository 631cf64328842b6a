package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.AvroTrust;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads framed datums into one reader schema, resolving each writer schema (by id, from the registry)
 * against it once: one DatumReader per writer id.
 */
final class AvroReader<T> {
    static {
        AvroTrust.ensure();
    }

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final boolean specific;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    AvroReader(SchemaRegistryClient registry, Schema readerSchema, boolean specific) {
        this.registry = registry;
        this.readerSchema = readerSchema;
        this.specific = specific;
    }

    T read(String topic, byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        int id = WireFormat.schemaId(topic, data);
        DatumReader<T> reader = readers.computeIfAbsent(id, i -> reader(topic, i));
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null);
            return reader.read(null, decoder);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw new SerializationException("cannot read a " + readerSchema.getFullName() + " (writer schema id " + id
                    + ") from a record of topic " + topic + ": corrupt or mismatched payload: " + e, e);
        }
    }

    private DatumReader<T> reader(String topic, int id) {
        Schema writer;
        try {
            writer = registry.getById(id);
        } catch (RuntimeException e) {
            throw new SerializationException("unknown schema id " + id + " in a record of topic " + topic
                    + " (registry " + registry.describe() + "): " + e.getMessage(), e);
        }
        try {
            return specific ? new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForSchema(readerSchema))
                    : new GenericDatumReader<>(writer, readerSchema);
        } catch (AvroRuntimeException e) {
            throw new SerializationException("writer schema id " + id + " (" + writer.getFullName() + ") in topic " + topic
                    + " cannot be read as " + readerSchema.getFullName() + ": " + e.getMessage(), e);
        }
    }
}
