package io.tokenpulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.serde.AvroSerdes;
import io.tokenpulse.serde.SerdeConfig;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import io.tokenpulse.serde.SpecificAvroSerializer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client as a Kafka client configuration builds it ({@link SchemaRegistryClients#fromConfig}): the
 * Confluent config keys for auth, retries and backoff, request shapes, failover, errors, and the serdes over HTTP.
 */
class HttpSchemaRegistryClientConfigTest {
    private static final String BASE = "/apis/ccompat/v7";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Schema USAGE = TokenUsageEvent.getClassSchema();
    private static final String PASSWORD = "pa55-w0rd-Zq9";
    private static final String TOKEN = "bearer-tok-7Hx2";

    private StubRegistry stub;

    @BeforeEach
    void start() throws IOException {
        stub = new StubRegistry(BASE);
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    /** The stub's URL with small retry settings, plus any extra keys. */
    private Map<String, Object> config(Object... keyValues) {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryClients.URL_CONFIG, stub.url());
        config.put(RegistryConfig.BACKOFF_MS, "10");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static SchemaRegistryClient client(Map<String, Object> config) {
        return assertInstanceOf(HttpSchemaRegistryClient.class, SchemaRegistryClients.fromConfig(config));
    }

    // ---- request shapes ----

    @Test
    void everyCallHasItsPathMethodBodyAndContentType() throws IOException {
        SchemaRegistryClient client = client(config());
        int id = client.register("token-usage-value", USAGE);
        SchemaRegistryClient other = client(config());
        assertEquals(id, other.lookup("token-usage-value", USAGE));
        assertTrue(other.isCompatible("token-usage-value", USAGE));
        assertEquals(USAGE, client(config()).getById(id));
        assertEquals(List.of("token-usage-value"), other.subjects());

        List<StubRegistry.Request> requests = stub.requests();
        assertEquals(List.of(
                        "POST " + BASE + "/subjects/token-usage-value/versions",
                        "POST " + BASE + "/subjects/token-usage-value",
                        "POST " + BASE + "/compatibility/subjects/token-usage-value/versions/latest",
                        "GET " + BASE + "/schemas/ids/" + id,
                        "GET " + BASE + "/subjects"),
                requests.stream().map(r -> r.method() + " " + r.path()).toList());
        ObjectMapper json = new ObjectMapper();
        for (StubRegistry.Request r : requests) {
            assertTrue(r.header("Accept").startsWith(CONTENT_TYPE), r.path() + ": " + r.header("Accept"));
            if (r.method().equals("POST")) {
                assertEquals(CONTENT_TYPE, r.header("Content-Type"), r.path());
                assertEquals(USAGE, new Schema.Parser().parse(json.readTree(r.body()).path("schema").asText()), r.path());
                assertEquals(1, json.readTree(r.body()).size(), "only the schema member: " + r.body());
            } else {
                assertEquals("", r.body(), r.path());
            }
        }
    }

    @Test
    void anAnswerWithoutAnIdIsAnError() {
        stub.failNext(1, 200, "{\"version\":3}");

        RegistryException e = assertThrows(RegistryException.class, () -> client(config()).register("token-usage-value", USAGE));

        assertTrue(e.getMessage().contains("without an id"), e.getMessage());
        assertTrue(e.getMessage().contains("'token-usage-value'"), e.getMessage());
    }

    // ---- auth from config keys ----

    @Test
    void basicAuthFromBasicAuthUserInfo() {
        client(config(RegistryConfig.BASIC_AUTH_USER_INFO, "svc:" + PASSWORD)).subjects();
        client(config(RegistryConfig.BASIC_AUTH_USER_INFO_PREFIXED, "other:" + PASSWORD)).subjects();

        assertEquals("Basic " + base64("svc:" + PASSWORD), stub.requests().get(0).header("Authorization"));
        assertEquals("Basic " + base64("other:" + PASSWORD), stub.requests().get(1).header("Authorization"));
    }

    @Test
    void bearerFromBearerAuthToken() {
        client(config(RegistryConfig.BEARER_TOKEN, TOKEN)).register("token-usage-value", USAGE);

        assertEquals("Bearer " + TOKEN, stub.requests().get(0).header("Authorization"));
    }

    @Test
    void blankCredentialsSendNoHeader() {
        client(config(RegistryConfig.BASIC_AUTH_USER_INFO, " ", RegistryConfig.BEARER_TOKEN, "")).subjects();

        assertNull(stub.requests().get(0).header("Authorization"));
    }

    @Test
    void theConfigNeverPrintsPasswordOrToken() {
        RegistryConfig basic = RegistryConfig.from(config(RegistryConfig.BASIC_AUTH_USER_INFO, "svc:" + PASSWORD));
        RegistryConfig bearer = RegistryConfig.from(config(RegistryConfig.BEARER_TOKEN, TOKEN));
        RegistryConfig inUrl = RegistryConfig.from(Map.of(SchemaRegistryClients.URL_CONFIG,
                "http://svc:" + PASSWORD + "@r1:8081/apis, https://svc:" + PASSWORD + "@r2:8081"));

        for (RegistryConfig c : List.of(basic, bearer, inUrl)) {
            assertFalse(c.toString().contains(PASSWORD), c.toString());
            assertFalse(c.toString().contains(TOKEN), c.toString());
        }
        assertTrue(basic.toString().contains("auth=basic"), basic.toString());
        assertTrue(bearer.toString().contains("auth=bearer"), bearer.toString());
        assertTrue(inUrl.toString().contains("http://***@r1:8081/apis"), inUrl.toString());
        assertFalse(new HttpSchemaRegistryClient(inUrl).describe().contains(PASSWORD));
    }

    @Test
    void credentialsNeverAppearInAnyError() throws IOException {
        String dead = "http://svc:" + PASSWORD + "@127.0.0.1:" + closedPort();
        SchemaRegistryClient client = client(config(SchemaRegistryClients.URL_CONFIG, dead, RegistryConfig.MAX_RETRIES, "0",
                RegistryConfig.BEARER_TOKEN, TOKEN));

        RegistryException e = assertThrows(RegistryException.class, () -> client.getById(1));

        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }

    // ---- caching ----

    @Test
    void aSecondCallOfEitherDirectionMakesNoRequest() {
        SchemaRegistryClient writer = client(config());
        int id = writer.register("token-usage-value", USAGE);
        writer.register("token-usage-value", USAGE);
        writer.lookup("token-usage-value", USAGE);
        SchemaRegistryClient reader = client(config());
        reader.getById(id);
        reader.getById(id);
        assertEquals(2, stub.requests().size());

        // Another schema under the same subject is a new question.
        writer.register("token-usage-value", TokenLifecycleEvent.getClassSchema());
        assertEquals(3, stub.requests().size());
    }

    @Test
    void theSerdesOverHttpCallTheRegistryOncePerSubjectAndId() {
        Map<String, Object> props = config(SerdeConfig.VALUE_TYPE, TokenUsageEvent.class.getName());
        SpecificAvroSerializer<TokenUsageEvent> serializer = new SpecificAvroSerializer<>();
        serializer.configure(props, false);
        SpecificAvroDeserializer<TokenUsageEvent> deserializer = new SpecificAvroDeserializer<>();
        deserializer.configure(props, false);
        TokenUsageEvent event = usage();

        byte[] bytes = null;
        for (int i = 0; i < 20; i++) {
            bytes = serializer.serialize("token-usage", event);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(event, deserializer.deserialize("token-usage", bytes));
        }

        assertEquals(List.of("POST " + BASE + "/subjects/token-usage-value/versions", "GET " + BASE + "/schemas/ids/1"),
                stub.requests().stream().map(r -> r.method() + " " + r.path()).toList());
    }

    @Test
    void withoutAutoRegisterTheSerializerLooksUpAndFailsClearlyWhenUnregistered() {
        Map<String, Object> props = config(SerdeConfig.VALUE_TYPE, TokenUsageEvent.class, SerdeConfig.AUTO_REGISTER, false);
        SpecificAvroSerializer<TokenUsageEvent> serializer = new SpecificAvroSerializer<>();
        serializer.configure(props, false);

        SerializationException e = assertThrows(SerializationException.class, () -> serializer.serialize("token-usage", usage()));

        assertTrue(e.getMessage().contains("cannot find schema io.tokenpulse.avro.TokenUsageEvent under subject 'token-usage-value' at "
                + stub.url()), e.getMessage());
        assertTrue(e.getMessage().contains("error_code 40401"), e.getMessage());
        assertEquals(List.of("POST " + BASE + "/subjects/token-usage-value"),
                stub.requests().stream().map(r -> r.method() + " " + r.path()).toList(), "a lookup, never a register");

        client(config()).register("token-usage-value", USAGE);
        serializer.serialize("token-usage", usage());
        assertEquals("POST " + BASE + "/subjects/token-usage-value", stub.requests().get(2).method() + " " + stub.requests().get(2).path());
    }

    // ---- retries, final answers, failover ----

    @Test
    void a503IsRetriedAfterTheConfiguredBackoffThenSucceeds() {
        stub.failNext(1, 503, "{\"error_code\":50301,\"message\":\"leader election\"}");
        SchemaRegistryClient client = client(config(RegistryConfig.BACKOFF_MS, "150"));

        long start = System.nanoTime();
        assertEquals(1, client.register("token-usage-value", USAGE));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(2, stub.requests().size());
        assertTrue(elapsedMs >= 150, "waited " + elapsedMs + " ms");
        assertTrue(elapsedMs < 5_000, "waited " + elapsedMs + " ms");
    }

    @Test
    void maxRetriesFromConfigBoundsTheAttempts() {
        stub.failNext(10, 502, "<html>Bad Gateway</html>");

        RegistryException e = assertThrows(RegistryException.class,
                () -> client(config(RegistryConfig.MAX_RETRIES, "2")).getById(1));

        assertEquals(3, stub.requests().size());
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("HTTP 502 (<html>Bad Gateway</html>)"), e.getMessage());
    }

    @Test
    void a409IsFinalAndNamesSubjectUrlAndTheRegistrysError() {
        stub.failNext(1, 409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");

        RegistryException e = assertThrows(RegistryException.class, () -> client(config()).register("token-usage-value", USAGE));

        assertEquals(1, stub.requests().size(), "no retry");
        assertEquals(409, e.status());
        for (String part : List.of("'token-usage-value'", stub.url(), "HTTP 409", "error_code 409",
                "Schema being registered is incompatible with an earlier schema")) {
            assertTrue(e.getMessage().contains(part), () -> part + " missing from " + e.getMessage());
        }
    }

    @Test
    void a404IsFinalAndNamesSubjectUrlAndTheRegistrysError() {
        RegistryException e = assertThrows(RegistryException.class, () -> client(config()).lookup("token-usage-value", USAGE));

        assertEquals(1, stub.requests().size(), "no retry");
        assertTrue(e.notFound());
        for (String part : List.of("look up a schema under subject 'token-usage-value'", stub.url(), "HTTP 404", "error_code 40401",
                "Subject 'token-usage-value' not found.")) {
            assertTrue(e.getMessage().contains(part), () -> part + " missing from " + e.getMessage());
        }
    }

    @Test
    void compatibilityErrorsOtherThanNotFoundAreThrown() {
        stub.failNext(1, 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");

        RegistryException e = assertThrows(RegistryException.class, () -> client(config()).isCompatible("token-usage-value", USAGE));

        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("check compatibility under subject 'token-usage-value'"), e.getMessage());
    }

    @Test
    void anUnreachableFirstUrlFailsOverToTheSecond() throws IOException {
        String dead = "http://127.0.0.1:" + closedPort() + BASE;
        SchemaRegistryClient client = client(config(SchemaRegistryClients.URL_CONFIG, dead + "," + stub.url(), RegistryConfig.BACKOFF_MS, "5000"));

        long start = System.nanoTime();
        int id = client.register("token-usage-value", USAGE);
        assertEquals(USAGE, client(config(SchemaRegistryClients.URL_CONFIG, dead + " , " + stub.url())).getById(id));

        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "no backoff before the next URL");
        assertEquals(2, stub.requests().size());
    }

    @Test
    void anOverloadedFirstRegistryFailsOverToTheSecondInTheSameRound() throws IOException {
        try (StubRegistry second = new StubRegistry(BASE)) {
            stub.failNext(1, 503, "{\"error_code\":50302,\"message\":\"overloaded\"}");
            SchemaRegistryClient client = client(config(SchemaRegistryClients.URL_CONFIG, stub.url() + "," + second.url(),
                    RegistryConfig.BACKOFF_MS, "5000"));

            long start = System.nanoTime();
            assertEquals(List.of(), client.subjects());

            assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "no backoff before the next URL");
            assertEquals(1, stub.requests().size());
            assertEquals(1, second.requests().size());
        }
    }

    // ---- config validation ----

    @Test
    void badNumbersAndUrlsAreConfigurationErrorsNamingTheKey() {
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> RegistryConfig.from(config(RegistryConfig.BACKOFF_MS, "fast")));
        assertTrue(notANumber.getMessage().contains(RegistryConfig.BACKOFF_MS), notANumber.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> RegistryConfig.from(config(RegistryConfig.MAX_RETRIES, "-1")));
        assertTrue(negative.getMessage().contains(RegistryConfig.MAX_RETRIES), negative.getMessage());
        IllegalArgumentException onlyCommas = assertThrows(IllegalArgumentException.class,
                () -> RegistryConfig.from(config(SchemaRegistryClients.URL_CONFIG, " , ")));
        assertTrue(onlyCommas.getMessage().contains("URL"), onlyCommas.getMessage());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> RegistryConfig.from(config(SchemaRegistryClients.URL_CONFIG, "ftp://svc:" + PASSWORD + "@r")));
        assertFalse(ftp.getMessage().contains(PASSWORD), ftp.getMessage());
        assertTrue(ftp.getMessage().contains("ftp://***@r"), ftp.getMessage());
        IllegalArgumentException noScheme = assertThrows(IllegalArgumentException.class,
                () -> RegistryConfig.from(config(SchemaRegistryClients.URL_CONFIG, "svc:" + PASSWORD + "@registry:8081")));
        assertEquals("schema registry URL must start with http:// or https://, got ***@registry:8081", noScheme.getMessage());
        assertEquals("http://registry:8081/a@b", RegistryConfig.redact("http://registry:8081/a@b"), "an @ in the path is no credential");
    }

    @Test
    void aBasePathWithATrailingSlashIsKept() {
        client(config(SchemaRegistryClients.URL_CONFIG, stub.url() + "/")).subjects();

        assertEquals(BASE + "/subjects", stub.requests().get(0).path());
    }

    private static TokenUsageEvent usage() {
        return TokenUsageEvent.newBuilder().setEventId("u-1").setTokenId("AKIAIOSFODNN7EXAMPLE").setTenant("acme")
                .setOccurredAt(Instant.parse("2026-03-01T12:00:00.123Z")).setScope("s3:GetObject")
                .setOutcome(UsageOutcome.ALLOWED).setCount(1).build();
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
