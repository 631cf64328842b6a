package io.tokenpulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientsTest {

    @Test
    void aMockUrlSelectsTheScopedInMemoryRegistry() {
        SchemaRegistryClient client = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://clients-test"));

        assertSame(InMemorySchemaRegistryClient.forScope("clients-test"), client);
        InMemorySchemaRegistryClient.dropScope("clients-test");
    }

    @Test
    void anHttpUrlSelectsTheHttpClientWithItsSettings() {
        Map<String, Object> config = Map.of(
                "schema.registry.url", "http://a:8080/apis/ccompat/v7/, http://b:8080/apis/ccompat/v7",
                "basic.auth.user.info", "svc:s3cret",
                "schema.registry.max.retries", "5",
                "schema.registry.request.timeout.ms", 2500);

        SchemaRegistryClient client = SchemaRegistryClients.fromConfig(config);
        RegistryConfig parsed = RegistryConfig.from(config);

        assertInstanceOf(HttpSchemaRegistryClient.class, client);
        assertEquals(List.of("http://a:8080/apis/ccompat/v7", "http://b:8080/apis/ccompat/v7"), parsed.urls());
        assertEquals(5, parsed.maxRetries());
        assertEquals(Duration.ofMillis(2500), parsed.requestTimeout());
        assertEquals(3, RegistryConfig.of("http://a").maxRetries(), "three retries by default");
        assertFalse(parsed.toString().contains("s3cret"));
    }

    @Test
    void aMissingOrMalformedUrlIsAConfigurationError() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> SchemaRegistryClients.fromConfig(Map.of()));
        assertTrue(missing.getMessage().contains("schema.registry.url"));

        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "registry:8080")));
        assertTrue(malformed.getMessage().contains("http://"));
    }

    @Test
    void credentialsInTheUrlAreRedacted() {
        assertEquals("https://***@registry:8081/apis", RegistryConfig.redact("https://svc:s3cret@registry:8081/apis"));
        assertEquals("http://registry:8081", RegistryConfig.redact("http://registry:8081"));
        assertFalse(new HttpSchemaRegistryClient(RegistryConfig.of("http://svc:s3cret@r:1")).describe().contains("s3cret"));
    }
}
