package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * String keys as Confluent's KafkaAvroSerializer writes a java String: the Avro "string" schema in the
 * wire format, subject {@code <topic>-key}. Every TokenPulse topic uses it, so keys hash (and partition)
 * the same whoever wrote them.
 */
public final class AvroStringSerde implements Serde<String> {
    static final Schema STRING = Schema.create(Schema.Type.STRING);

    private SchemaRegistryClient registry;
    private boolean isKey = true;
    private boolean autoRegister = true;
    private AvroWriter<Object> writer;
    private AvroReader<Object> reader;

    public AvroStringSerde() {
    }

    public AvroStringSerde(SchemaRegistryClient registry) {
        this(registry, true);
    }

    public AvroStringSerde(SchemaRegistryClient registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
        build();
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
        this.isKey = isKey;
        this.autoRegister = SerdeConfig.autoRegister(configs);
        build();
    }

    private void build() {
        writer = new AvroWriter<>(registry, autoRegister, isKey, STRING, false);
        reader = new AvroReader<>(registry, STRING, false);
    }

    @Override
    public Serializer<String> serializer() {
        return (topic, data) -> {
            requireConfigured();
            return writer.write(topic, data);
        };
    }

    @Override
    public Deserializer<String> deserializer() {
        return (topic, data) -> {
            requireConfigured();
            Object v = reader.read(topic, data);
            return v == null ? null : v.toString();
        };
    }

    private void requireConfigured() {
        if (writer == null) {
            throw new IllegalStateException("AvroStringSerde is not configured: give it a registry");
        }
    }
}
