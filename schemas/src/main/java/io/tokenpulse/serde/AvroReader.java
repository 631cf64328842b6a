package io.tokenpulse.serde;

import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.AvroTrust;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
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
    private final Map<Integer, Writer<T>> readers = new ConcurrentHashMap<>();

    /**
     * A writer schema and the reader that resolves it to ours; for the two datums read with every record when written
     * in exactly our schema, a use and a string key, a direct read instead of Avro's resolving one (issue 11: reading
     * them was 7% of a backlog's intake).
     */
    private record Writer<T>(Schema schema, DatumReader<T> reader, Direct direct) {
    }

    /** A datum read straight from the bytes. */
    @FunctionalInterface
    private interface Direct {
        Object read(ByteSource in) throws IOException;
    }

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
        // A failed lookup is not cached: a registry that was briefly unreachable is asked again next record.
        Writer<T> writer = readers.computeIfAbsent(id, i -> writer(topic, i));
        int offset = WireFormat.HEADER_SIZE;
        try {
            if (writer.direct() != null) {
                @SuppressWarnings("unchecked")
                T datum = (T) writer.direct().read(new ByteSource(data, offset, data.length - offset));
                return datum;
            }
            return writer.reader().read(null, DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null));
        } catch (AvroTypeException e) {
            throw resolutionFailure(topic, id, writer.schema(), e);
        } catch (IOException | RuntimeException e) {
            // Avro reports truncated or garbled input as EOF, negative lengths, bad union indexes, ...
            throw new SerializationException("cannot read a " + readerSchema.getFullName() + " (writer schema id " + id
                    + ") from a record of topic " + topic + ": corrupt payload (" + e + ")", e);
        }
    }

    private Writer<T> writer(String topic, int id) {
        Schema schema;
        try {
            schema = registry.getById(id);
        } catch (RuntimeException e) {
            throw new SerializationException("unknown schema id " + id + " in record of topic " + topic
                    + " (registry " + registry.describe() + "): " + e.getMessage(), e);
        }
        DatumReader<T> reader = specific ? new SpecificDatumReader<>(schema, readerSchema, SpecificData.getForSchema(readerSchema))
                : new GenericDatumReader<>(schema, readerSchema);
        Direct direct = null;
        if (schema.equals(readerSchema) && specific && readerSchema.equals(TokenUsageEvent.getClassSchema())) {
            direct = UsageCodec::read;
        } else if (schema.equals(readerSchema) && readerSchema.getType() == Schema.Type.STRING) {
            direct = ByteSource::readString;
        }
        return new Writer<>(schema, reader, direct);
    }

    /** Avro resolves lazily, so an incompatible writer shows up on the first read; say which schemas clash and why. */
    private SerializationException resolutionFailure(String topic, int id, Schema writer, AvroTypeException e) {
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        String why = compatibility.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
                ? e.getMessage() : compatibility.getResult().getIncompatibilities().toString();
        return new SerializationException("writer schema id " + id + " (" + writer.getFullName() + ") of a record in topic " + topic
                + " cannot be resolved to reader schema " + readerSchema.getFullName() + ": " + why, e);
    }
}
