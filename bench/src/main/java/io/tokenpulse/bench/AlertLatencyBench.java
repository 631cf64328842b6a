package io.tokenpulse.bench;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import io.tokenpulse.serde.AvroSerdes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Alert latency on a live system with the default settings (so the default lateness): from the moment a use of a
 * revoked token is handed to the producer to the moment its REVOKED_TOKEN_USED alert can be read (read_committed) from
 * token-alerts, while {@code rate} uses per second of live traffic (event time = now) flow. Ten triggers a second for
 * {@code seconds}, then background traffic for lateness + 15 s so that every trigger is judged by traffic, not by
 * idle.timeout. Args: rate (10,000), seconds of triggers (30). Run {@code ./tokenpulse up} first.
 */
public final class AlertLatencyBench {
    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int tokens = 10_000;
        int triggers = seconds * 10;
        Path home = Path.of(System.getProperty("tokenpulse.home", ".tokenpulse"));
        BenchRun bench = BenchRun.named("lat");
        Map<TopicDef, String> names = bench.topics();
        Map<String, String> settings = bench.settings();
        settings.put(AppConfig.QUERY_PORT, "0");
        settings.put(AppConfig.STATE_DIR, Files.createTempDirectory("tokenpulse-latency").toString());
        AppConfig config = AppConfig.load(Optional.empty(), Optional.of(home.resolve("stack.properties")), System.getenv(), settings);
        Properties client = new Properties();
        client.putAll(config.kafkaClientProperties());
        bench.deleteTopicsAtExit(client);
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensureTopics(admin, names, 6);
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
        Properties fast = new Properties();
        fast.putAll(client);
        fast.put("linger.ms", "5");
        Map<String, Long> sentAt = new HashMap<>(); // only this thread: the reader fills alertedAt
        Map<String, Long> alertedAt = new ConcurrentHashMap<>();
        // A load generator: each send's future goes to 'unused', not waited on; flush() waits for them all.
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(fast, registry, names)) {
            Instant before = Instant.now().minus(Duration.ofMinutes(10));
            for (int i = 0; i < tokens; i++) {
                var unused = publisher.lifecycle(issued("tok-" + i, before));
            }
            for (int i = 0; i < triggers; i++) {
                var unusedIssue = publisher.lifecycle(issued("rev-" + i, before));
                var unusedRevoke = publisher.lifecycle(TokenLifecycleEvent.newBuilder(issued("rev-" + i, before)).setEventId("r-rev-" + i)
                        .setType(LifecycleType.REVOKED).setOccurredAt(before.plusSeconds(60)).build());
            }
            publisher.flush();
            try (TokenPulseApp app = TokenPulseApp.create(config, registry, java.time.Clock.systemUTC()).start()) {
                app.awaitRunning(Duration.ofMinutes(2));
                // A live system: started, its sources heard from or idle, what was there judged.
                Thread.sleep(config.detection().idleTimeout().plusSeconds(5).toMillis());
                AtomicBoolean stop = new AtomicBoolean();
                Thread reader = new Thread(() -> readAlerts(client, registry, names.get(TopicDef.ALERTS), alertedAt, stop), "alerts-reader");
                reader.start();
                Thread.sleep(3_000);
                long lateness = config.detection().lateness().toMillis();
                long start = System.nanoTime();
                long total = (long) rate * seconds + (long) rate * (lateness / 1000 + 15);
                int trigger = 0;
                java.util.Random random = new java.util.Random(7);
                for (long n = 0; n < total; n++) {
                    long due = start + n * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean fire = n < (long) rate * seconds && n % (rate / 10) == 0 && trigger < triggers;
                    String token = fire ? "rev-" + trigger++ : "tok-" + random.nextInt(tokens);
                    if (fire) {
                        sentAt.put(token, System.currentTimeMillis());
                    }
                    var unused = publisher.usage(TokenUsageEvent.newBuilder().setEventId("u" + n).setTokenId(token).setTenant("bench")
                            .setOccurredAt(Instant.now()).setPrincipal("svc").setServiceVersion("1.0").setScope("repo:read")
                            .setOutcome(UsageOutcome.ALLOWED).setSourceIp("10.0.0.1").setUserAgent("svc/1.0").setCount(1).build());
                }
                publisher.flush();
                double achieved = total / ((System.nanoTime() - start) / 1e9);
                long deadline = System.currentTimeMillis() + 30_000;
                while (alertedAt.size() < sentAt.size() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                stop.set(true);
                reader.join();
                List<Long> lat = new ArrayList<>();
                sentAt.forEach((t, s) -> {
                    Long a = alertedAt.get(t);
                    if (a != null) {
                        lat.add(a - s);
                    }
                });
                lat.sort(null);
                System.out.printf("rate %,d/s (achieved %,.0f/s), lateness %s: %d of %d alerts, latency p50 %.1f s, p99 %.1f s, max %.1f s%n",
                        rate, achieved, config.detection().lateness(), lat.size(), sentAt.size(),
                        pct(lat, 0.50) / 1e3, pct(lat, 0.99) / 1e3, lat.isEmpty() ? Double.NaN : lat.get(lat.size() - 1) / 1e3);
            }
        }
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static TokenLifecycleEvent issued(String token, Instant at) {
        return TokenLifecycleEvent.newBuilder().setEventId("i-" + token).setTokenId(token).setTenant("bench")
                .setType(LifecycleType.ISSUED).setOccurredAt(at).setPrincipal("svc").setServiceVersion("1.0")
                .setScopes(List.of("repo:read")).setExpiresAt(at.plus(Duration.ofDays(30))).setIssuer("internal").build();
    }

    private static void readAlerts(Properties client, SchemaRegistryClient registry, String topic, Map<String, Long> alertedAt,
                                   AtomicBoolean stop) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        var values = AvroSerdes.value(TokenAlert.class, registry).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            while (!stop.get()) {
                for (var r : consumer.poll(Duration.ofMillis(50))) {
                    TokenAlert a = values.deserialize(topic, r.value());
                    if (a.getType() == AlertType.REVOKED_TOKEN_USED) {
                        alertedAt.putIfAbsent(a.getTokenId(), System.currentTimeMillis());
                    }
                }
            }
        }
    }
}
