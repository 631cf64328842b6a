package io.tokenpulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry client as deployed: its bearer token sent, credentials in clear named, unknown ids not asked for twice. */
class RegistrySecurityTest {
    private StubRegistry stub;
    private final AtomicLong nanos = new AtomicLong();

    @BeforeEach
    void start() throws IOException {
        stub = new StubRegistry("/apis/ccompat/v7");
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private HttpSchemaRegistryClient client(Duration ttl, int size) {
        RegistryConfig c = new RegistryConfig(List.of(stub.url()), Optional.empty(), Optional.empty(), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 0, Duration.ofMillis(1), ttl, size, Map.of());
        return new HttpSchemaRegistryClient(c, nanos::get);
    }

    private long idRequests() {
        return stub.requests().stream().filter(r -> r.path().contains("/schemas/ids/")).count();
    }

    @Test
    void anUnknownIdIsAskedForOnceWithinTheTtl() {
        HttpSchemaRegistryClient client = client(Duration.ofSeconds(60), 100);
        for (int i = 0; i < 50; i++) {
            RegistryException e = assertThrows(RegistryException.class, () -> client.getById(9999));
            assertTrue(e.notFound());
            assertTrue(e.getMessage().contains("schema id 9999"), e.getMessage());
        }
        assertEquals(1, idRequests());

        // Once the entry expires the registry is asked again (the id may have been registered since)
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThrows(RegistryException.class, () -> client.getById(9999));
        assertEquals(2, idRequests());
    }

    @Test
    void theNegativeCacheIsBoundedAndKeepsNoTransientFailure() {
        HttpSchemaRegistryClient client = client(Duration.ofSeconds(60), 2);
        for (int id = 1001; id <= 1003; id++) {
            int i = id;
            assertThrows(RegistryException.class, () -> client.getById(i));
        }
        assertEquals(3, idRequests());
        assertThrows(RegistryException.class, () -> client.getById(1001)); // evicted: the oldest went first
        assertEquals(4, idRequests());
        assertThrows(RegistryException.class, () -> client.getById(1003));
        assertEquals(4, idRequests());

        // A 503 is an outage, not an answer: the next call asks again
        stub.failNext(1, 503, "{\"error_code\":50301,\"message\":\"busy\"}");
        assertThrows(RegistryException.class, () -> client.getById(2000));
        assertThrows(RegistryException.class, () -> client.getById(2000));
        assertEquals(6, idRequests());

        // Zero turns it off
        HttpSchemaRegistryClient off = client(Duration.ZERO, 100);
        assertThrows(RegistryException.class, () -> off.getById(3000));
        assertThrows(RegistryException.class, () -> off.getById(3000));
        assertEquals(8, idRequests());
    }

    @Test
    void theBearerTokenIsSentUnderEitherName() {
        for (String key : List.of(RegistryConfig.BEARER_TOKEN, "schema.registry." + RegistryConfig.BEARER_TOKEN)) {
            int before = stub.requests().size();
            SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryClients.URL_CONFIG, stub.url(), key, "tok-xyz")).subjects();
            assertEquals("Bearer tok-xyz", stub.requests().get(before).header("Authorization"), key);
        }
    }

    @Test
    void credentialsOverPlainHttpToAnotherHostAreNamed() {
        assertEquals(List.of("http://registry.example:8081"),
                RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG, "http://registry.example:8081,https://r2.example",
                        RegistryConfig.BEARER_TOKEN, "t")).credentialsInClear());
        assertEquals(List.of("http://***@registry.example"),
                RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG, "http://u:pw@registry.example")).credentialsInClear());
        assertEquals(List.of(), RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG, "http://registry.example")).credentialsInClear());
        assertEquals(List.of(), RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG, "http://127.0.0.1:8081",
                RegistryConfig.BASIC_AUTH_USER_INFO, "u:p")).credentialsInClear());
        assertEquals(List.of(), RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG, "https://registry.example",
                RegistryConfig.BASIC_AUTH_USER_INFO, "u:p")).credentialsInClear());
        assertFalse(RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG, "http://127.evil.example",
                RegistryConfig.BEARER_TOKEN, "t")).credentialsInClear().isEmpty());
    }

    @Test
    void aTrustStoreThatCannotBeReadIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchemaRegistryClients.fromConfig(Map.of(
                SchemaRegistryClients.URL_CONFIG, "https://registry.example",
                RegistryConfig.SSL_TRUSTSTORE_LOCATION, "/no/such/truststore.p12",
                RegistryConfig.SSL_TRUSTSTORE_PASSWORD, "hidden-pass")));
        assertTrue(e.getMessage().contains(RegistryConfig.SSL_TRUSTSTORE_LOCATION), e.getMessage());
        assertFalse(e.getMessage().contains("hidden-pass"));
    }
}
