package io.tokenpulse.bench;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import io.tokenpulse.serde.AvroSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Sustained usage events per second through the full detection topology on the local stack, next to the raw
 * consume rate of the same topic on the same broker in the same run, and the state bytes per token.
 * Run {@code ./tokenpulse up} first; args: tokens (default 100,000), usage events (default 1,000,000).
 */
public final class ThroughputBench {
    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int uses = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path home = Path.of(System.getProperty("tokenpulse.home", ".tokenpulse"));
        BenchRun bench = BenchRun.named("bench");
        String run = bench.id();
        Map<TopicDef, String> names = bench.topics();
        Map<String, String> settings = bench.settings();
        Path stateDir = Files.createTempDirectory("tokenpulse-bench");
        settings.put(AppConfig.STATE_DIR, stateDir.toString());
        // A free port: a 'run' on the same stack may hold the default one.
        settings.put(AppConfig.QUERY_PORT, "0");
        AppConfig config = AppConfig.load(Optional.empty(), Optional.of(home.resolve("stack.properties")), System.getenv(), settings);
        System.out.printf("broker %s, registry %s, %,d tokens, %,d usage events, guarantee %s, %d stream thread(s)%n",
                config.bootstrapServers(), config.registry().url(), tokens, uses, config.processingGuarantee(), config.numThreads());

        Properties client = new Properties();
        client.putAll(config.kafkaClientProperties());
        bench.deleteTopicsAtExit(client);
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensureTopics(admin, names, 6);
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());

        // 1. Load the topics (not part of the measured pipeline rate).
        double loadSeconds = UsageLoad.publish(client, registry, names, tokens, uses).seconds();
        System.out.printf("produce (SDK, idempotent, acks=all, zstd): %,d events in %.1f s = %,.0f events/s%n",
                tokens + uses, loadSeconds, (tokens + uses) / loadSeconds);

        // 2. Raw consume rate of the usage topic on the same broker: bytes only, no deserialization.
        Properties raw = new Properties();
        raw.putAll(client);
        raw.put(ConsumerConfig.GROUP_ID_CONFIG, run + "-raw");
        raw.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        raw.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long rawCount = 0;
        long rawStart = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(raw, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(names.get(TopicDef.USAGE)));
            while (rawCount < uses) {
                rawCount += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
        System.out.printf("raw consume of %s: %,d records in %.1f s = %,.0f records/s%n", names.get(TopicDef.USAGE), rawCount,
                rawSeconds, rawCount / rawSeconds);

        // 3. The full pipeline: from RUNNING until the app's committed offsets reach the end of both inputs.
        try (TokenPulseApp app = TokenPulseApp.create(config, registry, java.time.Clock.systemUTC()).start();
             Admin admin = Admin.create(client)) {
            app.awaitRunning(Duration.ofMinutes(2));
            long start = System.nanoTime();
            List<String> inputs = List.of(names.get(TopicDef.LIFECYCLE), names.get(TopicDef.USAGE));
            Map<TopicPartition, Long> ends = admin.listOffsets(admin.describeTopics(inputs).allTopicNames().get().values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            long done = 0;
            long lastReport = System.nanoTime();
            while (done < total) {
                Thread.sleep(500);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(run)
                        .partitionsToOffsetAndMetadata().get();
                done = ends.keySet().stream().mapToLong(tp -> Optional.ofNullable(committed.get(tp)).map(OffsetAndMetadata::offset).orElse(0L)).sum();
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.err.printf("... pipeline %,d of %,d records (%.0f/s)%n", done, total, done / ((System.nanoTime() - start) / 1e9));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("pipeline (validation, token processor, detection, exactly-once): %,d records in %.1f s = %,.0f records/s"
                    + " (%.0f%% of the raw consume rate)%n", total, seconds, total / seconds, 100.0 * (total / seconds) / (rawCount / rawSeconds));

            // 4. State bytes per token.
            ReadOnlyKeyValueStore<String, TokenState> store = app.streams().store(StoreQueryParameters.fromNameAndType(
                    DetectionTopology.TOKEN_STORE, QueryableStoreTypes.keyValueStore()));
            var serde = AvroSerdes.value(TokenState.class, registry);
            long count = 0;
            long bytes = 0;
            try (KeyValueIterator<String, TokenState> it = store.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    count++;
                    bytes += kv.key.length() + serde.serializer().serialize(run + "-token-state-changelog", kv.value).length;
                }
            }
            long disk;
            try (Stream<Path> files = Files.walk(stateDir)) {
                disk = files.filter(Files::isRegularFile).filter(p -> p.toString().contains(DetectionTopology.TOKEN_STORE))
                        .mapToLong(p -> p.toFile().length()).sum();
            }
            System.out.printf("state: %,d tokens, %.0f bytes per token serialized (key + Avro value), %.0f bytes per token in"
                    + " RocksDB files of %s (before compaction)%n", count, (double) bytes / count, (double) disk / count,
                    DetectionTopology.TOKEN_STORE);
        }
    }
}
