package io.tokenpulse.app;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Topic;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.ingest.DeadLetterCounter;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The whole pipeline in a {@link TopologyTestDriver}, with typed send/read helpers over the topic catalogue
 * and an in-memory registry of its own ({@code mock://<unique>}). Close it (try-with-resources).
 */
public final class Pipeline implements AutoCloseable {
    /** The wall clock of every test: events around it are plausible, a day and more after it are not. */
    public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    public final AppConfig config;
    public final SchemaRegistryClient registry;
    public final Topics topics;
    public final TokenPulseTopology topology;
    public final TopologyTestDriver driver;

    public Pipeline(Path stateDir) {
        this(stateDir, Map.of());
    }

    public Pipeline(Path stateDir, Map<String, String> overrides) {
        // No lateness and no idle timeout unless a test sets them: records are judged as they come (the scenarios
        // send them in order) and event time follows the wall clock as soon as it moves, as in a quiet live system.
        java.util.Map<String, String> settings = new java.util.HashMap<>(Map.of(
                AppConfig.REGISTRY_URL, "mock://" + UUID.randomUUID(),
                AppConfig.STATE_DIR, stateDir.toString(),
                AppConfig.LATENESS, "PT0S",
                AppConfig.DETECT_IDLE_AFTER, "PT0S",
                // The driver's wall clock stands still unless a test moves it: every promise goes out at once.
                AppConfig.PROMISE_INTERVAL, "PT0S",
                // A driver runs one task per sub-topology: one version task sends promises, not six.
                AppConfig.DETECT_VERSION_PARTITIONS, "1"));
        settings.putAll(overrides);
        config = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), settings);
        registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
        topics = Topics.create(config, registry);
        topology = TokenPulseTopology.build(config, topics, Clock.fixed(NOW, ZoneOffset.UTC));
        driver = new TopologyTestDriver(topology.topology(), topology.properties(), NOW);
        // One tick, so that every task has sent its first time promise (every task waits to hear from all the others).
        driver.advanceWallClockTime(config.detection().tick());
    }

    public <K, V> void send(Topic<K, V> topic, K key, V value) {
        driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer())
                .pipeInput(key, value);
    }

    /** Bytes exactly as given, as a producer with a bug (or another serializer) would write them. */
    public void sendRaw(String topic, byte[] key, byte[] value) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()).pipeInput(key, value);
    }

    /** The bytes our serdes write for this key and value on {@code topic}. */
    public <V> byte[] valueBytes(Topic<String, V> topic, V value) {
        return topic.valueSerde().serializer().serialize(topic.name(), value);
    }

    public byte[] keyBytes(Topic<String, ?> topic, String key) {
        return topic.keySerde().serializer().serialize(topic.name(), key);
    }

    public <K, V> List<TestRecord<K, V>> read(Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer())
                .readRecordsToList();
    }

    public List<TestRecord<byte[], byte[]>> deadLetters() {
        return driver.createOutputTopic(topics.dlq().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    public DeadLetterCounter deadLetterCounter() {
        return topology.deadLetters();
    }

    public KeyValueStore<String, TokenState> tokenStates() {
        return driver.getKeyValueStore(DetectionTopology.TOKEN_STORE);
    }

    public Optional<TokenState> tokenState(String tokenId) {
        return Optional.ofNullable(tokenStates().get(tokenId));
    }

    @Override
    public void close() {
        driver.close();
    }

    // ---- event builders with valid defaults; tests change only what they are about ----

    public static TokenLifecycleEvent.Builder lifecycle(String eventId, String tokenId, LifecycleType type, Instant at) {
        return TokenLifecycleEvent.newBuilder()
                .setEventId(eventId)
                .setTokenId(tokenId)
                .setTenant("acme")
                .setType(type)
                .setOccurredAt(at)
                .setIssuer("vault")
                .setOwner("payments")
                .setPrincipal("checkout")
                .setServiceVersion("1.4.2");
    }

    public static TokenUsageEvent.Builder usage(String eventId, String tokenId, Instant at) {
        return TokenUsageEvent.newBuilder()
                .setEventId(eventId)
                .setTokenId(tokenId)
                .setTenant("acme")
                .setOccurredAt(at)
                .setScope("repo:read")
                .setOutcome(UsageOutcome.ALLOWED)
                .setCount(1);
    }
}
