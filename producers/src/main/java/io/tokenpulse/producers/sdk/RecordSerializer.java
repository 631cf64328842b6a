package io.tokenpulse.producers.sdk;

import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.serde.SpecificAvroSerializer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** One producer for every event type: picks the wire-format serializer of each record's class. */
final class RecordSerializer implements Serializer<SpecificRecord> {
    private final SchemaRegistryClient registry;
    private final Map<Class<?>, Serializer<SpecificRecord>> byType = new ConcurrentHashMap<>();

    RecordSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public byte[] serialize(String topic, SpecificRecord data) {
        if (data == null) {
            return null;
        }
        Serializer<SpecificRecord> s = byType.computeIfAbsent(data.getClass(),
                c -> (Serializer) new SpecificAvroSerializer<>((Class<SpecificRecord>) c, registry));
        return s.serialize(topic, data);
    }
}
