package io.tokenpulse.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.schemas.TopicDef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
    @TempDir
    Path dir;

    @Test
    void withoutAnySettingTheDefaultsApply() {
        AppConfig c = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of());
        assertEquals("localhost:9092", c.bootstrapServers());
        assertEquals("http://localhost:8081", c.registry().url());
        assertTrue(c.registry().basicAuthUserInfo().isEmpty());
        assertEquals("tokenpulse", c.applicationId());
        assertEquals(AppConfig.EXACTLY_ONCE_V2, c.processingGuarantee());
        assertEquals(1, c.numThreads());
        assertEquals(Duration.ofDays(1), c.maxFutureSkew());
        assertEquals(Duration.ofSeconds(30), c.shutdownTimeout());
        for (TopicDef t : TopicDef.values()) {
            assertEquals(t.defaultName(), c.topicName(t));
        }
    }

    @Test
    void eachLayerOverridesTheOneBelow() throws IOException {
        // Given the same key set in every layer, and a key per layer that only it sets
        Path stack = write("stack.properties", """
                bootstrap.servers=stack:9092
                schema.registry.url=http://stack:8081
                application.id=from-stack
                """);
        Path file = write("app.properties", """
                bootstrap.servers=file:9092
                application.id=from-file
                num.threads=3
                """);
        Map<String, String> env = Map.of(
                "TOKENPULSE_BOOTSTRAP_SERVERS", "env:9092",
                "TOKENPULSE_TOPIC_USAGE", "usage-from-env",
                "TOKENPULSE_APPLICATION_ID", "from-env",
                "PATH", "/usr/bin");
        Map<String, String> flags = Map.of(AppConfig.BOOTSTRAP_SERVERS, "flag:9092");

        // When
        AppConfig c = AppConfig.load(Optional.of(file), Optional.of(stack), env, flags);
        Settings layers = AppConfig.layers(Optional.of(file), Optional.of(stack), env, flags);

        // Then defaults < stack file < config file < environment < flags
        assertEquals("flag:9092", c.bootstrapServers());
        assertEquals("from-env", c.applicationId());
        assertEquals("usage-from-env", c.topicName(TopicDef.USAGE));
        assertEquals(3, c.numThreads());
        assertEquals("http://stack:8081", c.registry().url());
        assertEquals(AppConfig.EXACTLY_ONCE_V2, c.processingGuarantee());
        assertEquals("command line", layers.origin(AppConfig.BOOTSTRAP_SERVERS));
        assertEquals("environment TOKENPULSE_APPLICATION_ID", layers.origin(AppConfig.APPLICATION_ID));
        assertEquals("config file " + file, layers.origin(AppConfig.NUM_THREADS));
        assertEquals("local stack file " + stack, layers.origin(AppConfig.REGISTRY_URL));
        assertEquals("built-in default", layers.origin(AppConfig.PROCESSING_GUARANTEE));
        assertTrue(layers.get("path").isEmpty(), "only TOKENPULSE_* variables are settings");
    }

    @Test
    void theStackFileIsOptionalButANamedConfigFileIsNot() {
        AppConfig c = AppConfig.load(Optional.empty(), Optional.of(dir.resolve("absent.properties")), Map.of(), Map.of());
        assertEquals("localhost:9092", c.bootstrapServers());
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> AppConfig.load(Optional.of(dir.resolve("missing.properties")), Optional.empty(), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("missing.properties"));
    }

    @Test
    void kafkaAndStreamsSettingsPassThroughWithoutTheirPrefix() {
        AppConfig c = AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of("TOKENPULSE_STREAMS_COMMIT_INTERVAL_MS", "500"),
                Map.of("kafka.security.protocol", "SASL_SSL", "kafka.sasl.jaas.config", "secret-stuff"));
        assertEquals(Map.of("commit.interval.ms", "500"), c.streams());
        assertEquals("SASL_SSL", c.kafka().get("security.protocol"));
        assertFalse(c.toString().contains("secret-stuff"), c.toString());
    }

    @Test
    void registryCredentialsAreTypedAndNeverPrinted() {
        AppConfig c = AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of("TOKENPULSE_SCHEMA_REGISTRY_URL", "https://registry.example"),
                Map.of(AppConfig.REGISTRY_USER_INFO, "svc:hunter2"));
        assertEquals("https://registry.example", c.registry().url());
        assertEquals(Optional.of("svc:hunter2"), c.registry().basicAuthUserInfo());
        assertEquals("svc:hunter2", c.registry().clientConfig().get(AppConfig.REGISTRY_USER_INFO));
        assertFalse(c.toString().contains("hunter2"), c.toString());
    }

    @Test
    void durationsAreIso8601OrMilliseconds() {
        AppConfig c = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(),
                Map.of(AppConfig.MAX_FUTURE_SKEW, "PT6H", AppConfig.SHUTDOWN_TIMEOUT, "10000"));
        assertEquals(Duration.ofHours(6), c.maxFutureSkew());
        assertEquals(Duration.ofSeconds(10), c.shutdownTimeout());
    }

    @Test
    void everyBadSettingIsReportedWithWhereItCameFrom() {
        ConfigException e = assertThrows(ConfigException.class, () -> AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of("TOKENPULSE_NUM_THREADS", "many"),
                Map.of(AppConfig.PROCESSING_GUARANTEE, "exactly_once", AppConfig.MAX_FUTURE_SKEW, "a day",
                        "topic.usgae", "x", AppConfig.BOOTSTRAP_SERVERS, " ")));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("num.threads=many (environment TOKENPULSE_NUM_THREADS): not a whole number"), e.getMessage());
        assertTrue(e.getMessage().contains("processing.guarantee=exactly_once (command line)"), e.getMessage());
        assertTrue(e.getMessage().contains("topic.usgae (command line): no such topic"), e.getMessage());
        assertTrue(e.getMessage().contains("max.future.skew=a day"), e.getMessage());
        assertTrue(e.getMessage().contains("bootstrap.servers"), e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void theQueryApiBindsBeyondLoopbackOnlyWithAuthAndTakesHashesNotTokens() {
        AppConfig defaults = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of());
        assertEquals(new AppConfig.Query(true, "127.0.0.1", 8088, "", java.util.List.of()), defaults.query());

        ConfigException open = assertThrows(ConfigException.class, () -> AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of(), Map.of(AppConfig.QUERY_BIND, "0.0.0.0")));
        assertTrue(open.getMessage().contains(AppConfig.QUERY_AUTH_SHA256), open.getMessage());

        String hash = "a".repeat(64);
        AppConfig secured = AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of("TOKENPULSE_QUERY_AUTH_TOKEN_SHA256", hash.toUpperCase() + ", " + "b".repeat(64)),
                Map.of(AppConfig.QUERY_BIND, "0.0.0.0", AppConfig.QUERY_ADVERTISED, "app-1.internal", AppConfig.QUERY_PORT, "0"));
        assertEquals(java.util.List.of(hash, "b".repeat(64)), secured.query().tokenSha256());
        assertFalse(secured.toString().contains(hash), "hashes stay out of logs too");

        ConfigException pasted = assertThrows(ConfigException.class, () -> AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of(), Map.of(AppConfig.QUERY_AUTH_SHA256, "my-raw-token-value")));
        assertFalse(pasted.getMessage().contains("my-raw-token-value"), "a token pasted where a hash belongs is not echoed");
        assertThrows(ConfigException.class, () -> AppConfig.load(Optional.empty(), Optional.empty(), Map.of(),
                Map.of(AppConfig.QUERY_PORT, "70000")));
    }
}
