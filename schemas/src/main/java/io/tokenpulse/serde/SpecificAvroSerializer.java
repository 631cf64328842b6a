package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes SpecificRecords in the Confluent wire format under subject {@code <topic>-value} (or {@code -key}).
 * Built either with a class and a registry client, or with no arguments and {@link #configure} from client
 * properties ({@code schema.registry.url}, {@code auto.register.schemas}, {@code specific.avro.value.type}).
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private Class<T> type;
    private SchemaRegistryClient registry;
    private boolean autoRegister = true;
    private AvroWriter<T> writer;

    public SpecificAvroSerializer() {
    }

    public SpecificAvroSerializer(Class<T> type, SchemaRegistryClient registry) {
        this(type, registry, false, true);
    }

    public SpecificAvroSerializer(Class<T> type, SchemaRegistryClient registry, boolean isKey, boolean autoRegister) {
        this.type = type;
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.writer = new AvroWriter<>(registry, autoRegister, isKey, SpecificData.get().getSchema(type), true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
        if (type == null) {
            type = SerdeConfig.type(configs, isKey);
        }
        autoRegister = SerdeConfig.autoRegister(configs);
        writer = new AvroWriter<>(registry, autoRegister, isKey, SpecificData.get().getSchema(type), true);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (writer == null) {
            throw new IllegalStateException("SpecificAvroSerializer is not configured: give it a type and a registry");
        }
        return writer.write(topic, data);
    }
}
