package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;

/** Frames datums of one schema: registers (or looks up) the schema once per subject, then only encodes. */
final class AvroWriter<T> {
    static {
        AvroTrust.ensure();
    }

    private final SchemaRegistryClient registry;
    private final boolean autoRegister;
    private final boolean isKey;
    private final Schema schema;
    private final DatumWriter<T> writer;
    private final Map<String, byte[]> headerBySubject = new ConcurrentHashMap<>();

    AvroWriter(SchemaRegistryClient registry, boolean autoRegister, boolean isKey, Schema schema, boolean specific) {
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.isKey = isKey;
        this.schema = schema;
        this.writer = specific ? new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema)) : new GenericDatumWriter<>(schema);
    }

    byte[] write(String topic, T datum) {
        if (datum == null) {
            return null;
        }
        String subject = SerdeConfig.subject(topic, isKey);
        byte[] header = headerBySubject.computeIfAbsent(subject, s -> WireFormat.header(schemaId(s)));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(header);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write a " + schema.getFullName() + " to topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private int schemaId(String subject) {
        try {
            return autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot " + (autoRegister ? "register" : "find") + " schema " + schema.getFullName()
                    + " under subject '" + subject + "' at " + registry.describe() + ": " + e.getMessage(), e);
        }
    }
}
