package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Factory for the serdes every TokenPulse component uses. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /** Values of a SpecificRecord class, subject {@code <topic>-value}. */
    public static <T extends SpecificRecord> Serde<T> value(Class<T> type, SchemaRegistryClient registry) {
        return new SpecificAvroSerde<>(type, registry, false);
    }

    /** String keys, subject {@code <topic>-key}. */
    public static Serde<String> key(SchemaRegistryClient registry) {
        return new AvroStringSerde(registry, true);
    }
}
