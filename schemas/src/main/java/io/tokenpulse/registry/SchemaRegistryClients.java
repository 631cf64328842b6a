package io.tokenpulse.registry;

import java.util.Map;

/** Builds the registry client a configuration asks for. */
public final class SchemaRegistryClients {
    /** The registry base URL; {@code mock://<scope>} selects the in-memory registry of that scope. */
    public static final String URL_CONFIG = "schema.registry.url";
    public static final String MOCK_PREFIX = "mock://";

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        Object url = config.get(URL_CONFIG);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException(URL_CONFIG + " is not set: point it at a Confluent-compatible schema registry");
        }
        String u = url.toString().trim();
        if (u.startsWith(MOCK_PREFIX)) {
            return InMemorySchemaRegistryClient.forScope(u.substring(MOCK_PREFIX.length()));
        }
        return new HttpSchemaRegistryClient(RegistryConfig.from(config));
    }
}
