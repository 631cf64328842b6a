package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import java.util.Map;
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

    /** Serde properties for a registry URL ({@code mock://<scope>} for the in-memory one), auto-registering. */
    public static Map<String, Object> config(String registryUrl) {
        return config(registryUrl, true);
    }

    public static Map<String, Object> config(String registryUrl, boolean autoRegister) {
        return Map.of(SerdeConfig.REGISTRY_URL, registryUrl, SerdeConfig.AUTO_REGISTER, autoRegister);
    }
}
