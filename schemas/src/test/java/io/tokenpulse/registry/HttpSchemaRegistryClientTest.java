package io.tokenpulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a stub registry served, like Apicurio's ccompat API, under a base path. */
class HttpSchemaRegistryClientTest {
    private static final String BASE = "/apis/ccompat/v7";
    private static final Schema USAGE = TokenUsageEvent.getClassSchema();

    private StubRegistry stub;

    @BeforeEach
    void start() throws IOException {
        stub = new StubRegistry(BASE);
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void registerLookupAndFetchSpeakTheConfluentApiUnderTheBasePath() throws IOException {
        int id = client().register("token-usage-value", USAGE);

        StubRegistry.Request register = stub.requests().get(0);
        assertEquals("POST", register.method());
        assertEquals(BASE + "/subjects/token-usage-value/versions", register.path());
        assertEquals("application/vnd.schemaregistry.v1+json", register.header("Content-Type"));
        assertEquals(USAGE.toString(), new ObjectMapper().readTree(register.body()).path("schema").asText());
        assertEquals(1, id);

        assertEquals(1, client().lookup("token-usage-value", USAGE));
        assertEquals(BASE + "/subjects/token-usage-value", stub.requests().get(1).path());
        assertEquals(USAGE, client().getById(1));
        assertEquals(BASE + "/schemas/ids/1", stub.requests().get(2).path());
        assertEquals(List.of("token-usage-value"), client().subjects());
    }

    @Test
    void aSubjectCreatedByAnotherInstanceAtTheSameMomentIsLookedUp() {
        // Given another instance registered the schema first (this one was answered 409 "already exists")
        int id = client().register("token-state-changelog-key", USAGE);
        stub.failNext(1, 409, "{\"error_code\":409,\"message\":\"An artifact with ID 'token-state-changelog-key' already exists.\"}");

        // When this instance registers it, Then it gets the same id through a lookup
        assertEquals(id, client().register("token-state-changelog-key", USAGE));
        StubRegistry.Request last = stub.requests().get(stub.requests().size() - 1);
        assertEquals(BASE + "/subjects/token-state-changelog-key", last.path());
    }

    @Test
    void idsAreCachedBothWays() {
        HttpSchemaRegistryClient client = client();
        int id = client.register("token-usage-value", USAGE);
        client.register("token-usage-value", USAGE);
        client.lookup("token-usage-value", USAGE);
        client.getById(id);
        assertEquals(1, stub.requests().size(), "the id and the schema are both known after one register");

        HttpSchemaRegistryClient reader = client();
        reader.getById(id);
        reader.getById(id);
        assertEquals(2, stub.requests().size());

        client.register("token-usage-replay-value", USAGE);
        assertEquals(3, stub.requests().size(), "the cache is per subject: another subject registers again");
    }

    @Test
    void compatibilityWithAMissingSubjectIsTrue() {
        HttpSchemaRegistryClient client = client();
        assertTrue(client.isCompatible("token-usage-value", USAGE));
        assertEquals(BASE + "/compatibility/subjects/token-usage-value/versions/latest", stub.requests().get(0).path());

        client.register("token-usage-value", USAGE);
        assertTrue(client.isCompatible("token-usage-value", USAGE));
        assertFalse(client.isCompatible("token-usage-value", TokenLifecycleEvent.getClassSchema()));
    }

    @Test
    void basicAuthIsSentFromUserInfo() {
        client(config(List.of(stub.url()), Optional.of("svc:s3cret"), Optional.empty(), 0, 10)).subjects();

        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, stub.requests().get(0).header("Authorization"));
    }

    @Test
    void aBearerTokenTakesPrecedence() {
        client(config(List.of(stub.url()), Optional.of("svc:s3cret"), Optional.of("tok-123"), 0, 10)).subjects();

        assertEquals("Bearer tok-123", stub.requests().get(0).header("Authorization"));
    }

    @Test
    void noAuthorizationHeaderWithoutCredentials() {
        client().subjects();

        assertEquals(null, stub.requests().get(0).header("Authorization"));
    }

    @Test
    void serverErrorsAndTooManyRequestsAreRetried() {
        stub.failNext(2, 503, "{\"error_code\":50003,\"message\":\"busy\"}").failNext(1, 429, "");

        assertEquals(1, client().register("token-usage-value", USAGE));
        assertEquals(4, stub.requests().size());
    }

    @Test
    void clientErrorsAreFinalAndNamed() {
        stub.failNext(1, 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

        RegistryException e = assertThrows(RegistryException.class, () -> client().register("token-usage-value", USAGE));

        assertEquals(1, stub.requests().size(), "a 4xx is not retried");
        assertEquals(422, e.status());
        assertContains(e, "'token-usage-value'", stub.url(), "HTTP 422", "error_code 42201", "Invalid schema");
    }

    @Test
    void lookupOfAnUnregisteredSchemaIsNotFound() {
        RegistryException e = assertThrows(RegistryException.class, () -> client().lookup("token-usage-value", USAGE));

        assertTrue(e.notFound());
        assertContains(e, "'token-usage-value'", "error_code 40401");
    }

    @Test
    void anUnknownIdIsNotFoundAndNamed() {
        RegistryException e = assertThrows(RegistryException.class, () -> client().getById(9999));

        assertTrue(e.notFound());
        assertContains(e, "schema id 9999", stub.url(), "error_code 40403");
    }

    @Test
    void retriesEndAfterMaxRetriesWithBackoffThatDoubles() {
        stub.failNext(10, 500, "{\"error_code\":50001,\"message\":\"store down\"}");
        HttpSchemaRegistryClient client = client(config(List.of(stub.url()), Optional.empty(), Optional.empty(), 3, 100));

        long start = System.nanoTime();
        RegistryException e = assertThrows(RegistryException.class, () -> client.register("token-usage-value", USAGE));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(4, stub.requests().size(), "one try and three retries");
        assertTrue(elapsedMs >= 100 + 200 + 400, "backoff 100, 200, 400 ms; took " + elapsedMs);
        assertContains(e, "HTTP 500", "store down", stub.url());
    }

    @Test
    void anUnreachableUrlFailsOverToTheNextWithoutWaiting() throws IOException {
        String dead = "http://127.0.0.1:" + freePort() + BASE;
        HttpSchemaRegistryClient client = client(config(List.of(dead, stub.url()), Optional.empty(), Optional.empty(), 3, 5_000));

        long start = System.nanoTime();
        assertEquals(1, client.register("token-usage-value", USAGE));

        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "the next URL is tried before any backoff");
        assertEquals(1, stub.requests().size());
        assertEquals(dead + "," + stub.url(), client.describe());
    }

    @Test
    void anUnreachableRegistryIsNamed() throws IOException {
        String dead = "http://127.0.0.1:" + freePort() + BASE;
        HttpSchemaRegistryClient client = client(config(List.of(dead), Optional.empty(), Optional.empty(), 1, 10));

        RegistryException e = assertThrows(RegistryException.class, () -> client.getById(3));

        assertContains(e, "fetch schema id 3", dead, "unreachable");
    }

    @Test
    void aSuccessThatIsNotJsonIsAnErrorNotARetry() {
        stub.failNext(1, 200, "<html>Apicurio UI</html>");

        RegistryException e = assertThrows(RegistryException.class, () -> client().subjects());

        assertEquals(1, stub.requests().size());
        assertContains(e, "not JSON", "<html>");
    }

    @Test
    void credentialsNeverAppearInErrors() {
        stub.failNext(1, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        HttpSchemaRegistryClient client = client(config(List.of(stub.url()), Optional.of("svc:s3cret"), Optional.empty(), 3, 10));

        RegistryException e = assertThrows(RegistryException.class, () -> client.register("token-usage-value", USAGE));

        assertEquals(1, stub.requests().size());
        assertContains(e, "HTTP 401", "Unauthorized");
        assertFalse(e.getMessage().contains("s3cret"));
    }

    @Test
    void subjectsAreEscapedInPaths() {
        client().register("team a/usage-value", USAGE);

        assertEquals(BASE + "/subjects/team%20a%2Fusage-value/versions", stub.requests().get(0).path());
        assertEquals(List.of("team a/usage-value"), client().subjects());
    }

    private HttpSchemaRegistryClient client() {
        return client(config(List.of(stub.url()), Optional.empty(), Optional.empty(), 3, 10));
    }

    private static HttpSchemaRegistryClient client(RegistryConfig config) {
        return new HttpSchemaRegistryClient(config);
    }

    private static RegistryConfig config(List<String> urls, Optional<String> basic, Optional<String> bearer, int retries, long backoffMs) {
        return new RegistryConfig(urls, basic, bearer, Duration.ofSeconds(2), Duration.ofSeconds(5), retries, Duration.ofMillis(backoffMs));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void assertContains(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' missing from: " + e.getMessage());
        }
    }
}
