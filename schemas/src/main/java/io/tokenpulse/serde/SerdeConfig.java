package io.tokenpulse.serde;

import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.util.Map;

/**
 * Serde settings read from a Kafka client configuration; names follow Confluent's serializers, so an
 * existing Confluent serde configuration works unchanged. Registry connection keys are in
 * {@link io.tokenpulse.registry.RegistryConfig}.
 */
public final class SerdeConfig {
    public static final String REGISTRY_URL = SchemaRegistryClients.URL_CONFIG;
    /** Default true; false makes the serializer only look schemas up, for producers that must not change the registry. */
    public static final String AUTO_REGISTER = "auto.register.schemas";
    public static final String VALUE_TYPE = "specific.avro.value.type";
    public static final String KEY_TYPE = "specific.avro.key.type";

    private SerdeConfig() {
    }

    static SchemaRegistryClient client(Map<String, ?> configs) {
        return SchemaRegistryClients.fromConfig(configs);
    }

    static boolean autoRegister(Map<String, ?> configs) {
        Object v = configs.get(AUTO_REGISTER);
        return v == null || Boolean.parseBoolean(v.toString());
    }

    @SuppressWarnings("unchecked")
    static <T> Class<T> type(Map<String, ?> configs, boolean isKey) {
        String key = isKey ? KEY_TYPE : VALUE_TYPE;
        Object v = configs.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " must name the SpecificRecord class to read into");
        }
        if (v instanceof Class<?> c) {
            return (Class<T>) c;
        }
        try {
            return (Class<T>) Class.forName(v.toString(), true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(key + " names " + v + ", which is not on the classpath", e);
        }
    }

    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
