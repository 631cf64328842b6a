package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a SpecificRecord class, resolving the writer's schema (fetched by
 * id, cached) against the class's. Null or empty bytes are a tombstone and read as null; anything else
 * that is not a readable framed record is a {@link org.apache.kafka.common.errors.SerializationException}
 * that says why (magic byte, length, unknown schema id, corrupt payload).
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private Class<T> type;
    private SchemaRegistryClient registry;
    private AvroReader<T> reader;

    public SpecificAvroDeserializer() {
    }

    public SpecificAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.registry = registry;
        this.reader = new AvroReader<>(registry, SpecificData.get().getSchema(type), true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
        if (type == null) {
            type = SerdeConfig.type(configs, isKey);
        }
        reader = new AvroReader<>(registry, SpecificData.get().getSchema(type), true);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (reader == null) {
            throw new IllegalStateException("SpecificAvroDeserializer is not configured: give it a type and a registry");
        }
        return reader.read(topic, data);
    }
}
