package io.tokenpulse.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.net.httpserver.HttpServer;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code bearer.auth.token} reaches the registry from every layer of config: it was documented and then dropped. */
class RegistryCredentialsTest {
    @Test
    void theBearerTokenIsSentToTheRegistryAndNeverPrinted() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", ex -> {
            authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        registry.start();
        try {
            String url = "http://127.0.0.1:" + registry.getAddress().getPort();
            AppConfig fromFlag = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(),
                    Map.of(AppConfig.REGISTRY_URL, url, AppConfig.REGISTRY_BEARER_TOKEN, "flag-token-123"));
            AppConfig fromEnv = AppConfig.load(Optional.empty(), Optional.empty(),
                    Map.of("TOKENPULSE_SCHEMA_REGISTRY_URL", url, "TOKENPULSE_BEARER_AUTH_TOKEN", "env-token-456"), Map.of());
            for (AppConfig c : List.of(fromFlag, fromEnv)) {
                try (SchemaRegistryClient client = SchemaRegistryClients.fromConfig(c.registry().clientConfig())) {
                    client.subjects();
                }
                assertFalse(c.toString().contains("token-123") || c.toString().contains("token-456"), c.toString());
            }
            assertEquals(List.of("Bearer flag-token-123", "Bearer env-token-456"), authorizations);
            // The registry client's TLS and negative-cache settings pass through the same way
            AppConfig tuned = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of(AppConfig.REGISTRY_URL, url,
                    "schema.registry.ssl.truststore.location", "/etc/ca.p12", "missing.id.cache.ttl.sec", "5"));
            assertEquals("/etc/ca.p12", tuned.registry().clientConfig().get("schema.registry.ssl.truststore.location"));
            assertEquals(java.time.Duration.ofSeconds(5),
                    io.tokenpulse.registry.RegistryConfig.from(tuned.registry().clientConfig()).missingIdTtl());
        } finally {
            registry.stop(0);
        }
    }
}
