package io.tokenpulse.bench;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.metrics.ReportTopology;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.ReportWindow;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import io.tokenpulse.serde.AvroSerdes;
import io.tokenpulse.serde.AvroStringSerde;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Posture reports on the local stack: (1) state bytes per open (tenant, owner, window), including a window whose
 * lifespan sketch saw {@code ends} values, and (2) report latency: wall time from publishing the first events past a
 * window's end plus the grace to the reports of that window being readable (committed). Run {@code ./tokenpulse up}
 * first; args: tenants (default 50), owners per tenant (default 10), tokens (default 20,000), ends (default 10,000).
 */
public final class ReportBench {
    public static void main(String[] args) throws Exception {
        int tenants = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int owners = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int ends = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        BenchRun bench = BenchRun.named("reportbench");
        String run = bench.id();
        Map<TopicDef, String> names = bench.topics();
        Map<String, String> settings = bench.settings();
        settings.put(AppConfig.STATE_DIR, Files.createTempDirectory("tokenpulse-reportbench").toString());
        // A free port: a 'run' on the same stack may hold the default one.
        settings.put(AppConfig.QUERY_PORT, "0");
        AppConfig config = AppConfig.load(Optional.empty(),
                Optional.of(java.nio.file.Path.of(System.getProperty("tokenpulse.home", ".tokenpulse"), "stack.properties")),
                System.getenv(), settings);
        Duration grace = config.detection().reportGrace();
        System.out.printf("%d tenants x %d owners, %,d tokens, %,d of them ending in the last hour; grace %s%n",
                tenants, owners, tokens, ends, grace);
        Properties client = new Properties();
        client.putAll(config.kafkaClientProperties());
        bench.deleteTopicsAtExit(client);
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensureTopics(admin, names, 6);
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());

        // 26 hours of history: tokens issued at t0, used hourly; `ends` tokens of tenant 0 revoked in the last hour.
        Instant t0 = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(1));
        Instant lastHour = t0.plus(Duration.ofHours(25)).truncatedTo(ChronoUnit.HOURS);
        // A load generator: each send's future goes to 'unused', not waited on; flush() waits for them all.
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, names)) {
            for (int i = 0; i < tokens; i++) {
                var unused = publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("l" + i).setTokenId("tok-" + i)
                        .setTenant(tenant(i, tenants)).setOwner("owner-" + (i / tenants) % owners).setType(LifecycleType.ISSUED)
                        .setOccurredAt(t0).setPrincipal("svc").setScopes(List.of("a")).setExpiresAt(t0.plus(Duration.ofDays(30)))
                        .setIssuer("internal").build());
            }
            for (int h = 0; h < 25; h++) {
                for (int i = 0; i < tokens; i++) {
                    var unused = publisher.usage(usage(i, tenants, "u" + i + "-" + h, t0.plus(Duration.ofHours(h)).plusSeconds(i % 3000)));
                }
            }
            for (int i = 0, n = 0; i < tokens && n < ends; i += tenants, n++) {
                var unused = publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("r" + i).setTokenId("tok-" + i).setTenant(tenant(i, tenants))
                        .setType(LifecycleType.REVOKED).setOccurredAt(lastHour.plusSeconds(n % 3000)).setIssuer("internal").build());
            }
            publisher.flush();
        }

        try (TokenPulseApp app = TokenPulseApp.create(config, registry, java.time.Clock.systemUTC()).start();
             KafkaConsumer<String, PostureReport> reports = consumer(config, names.get(TopicDef.REPORTS), registry)) {
            app.awaitRunning(Duration.ofMinutes(2));
            // Wait until the hour before the last has been reported for every tenant: the backlog is through.
            Instant before = lastHour.minus(Duration.ofHours(1));
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < tenants && System.nanoTime() < deadline) {
                for (var r : reports.poll(Duration.ofMillis(200))) {
                    if (r.value().getOwner() == null && r.value().getWindowStart().equals(before)
                            && r.value().getGranularity() == io.tokenpulse.avro.Granularity.HOURLY) {
                        seen++;
                    }
                }
            }
            System.out.printf("backlog reported (%d tenants' hour %s)%n", seen, before);
            Thread.sleep(3000);

            // 1. State of the open windows (the last hour, and the day)
            ReadOnlyKeyValueStore<String, ReportWindow> windows = app.streams().store(StoreQueryParameters.fromNameAndType(
                    ReportTopology.WINDOW_STORE, QueryableStoreTypes.keyValueStore()));
            var serde = AvroSerdes.value(ReportWindow.class, registry);
            long count = 0;
            long bytes = 0;
            long max = 0;
            try (KeyValueIterator<String, ReportWindow> it = windows.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    long b = (long) kv.key.length() + serde.serializer().serialize(run + "-report-windows-changelog", kv.value).length;
                    count++;
                    bytes += b;
                    max = Math.max(max, b);
                }
            }
            System.out.printf("state: %,d open (tenant|tenant+owner, window) entries, %.0f bytes each on average, %,d bytes the"
                    + " largest (a window whose lifespan sketch holds %,d ends)%n", count, (double) bytes / count, max, ends);

            // 2. Latency: events past the last hour's end plus the grace, on every partition
            Instant past = lastHour.plus(Duration.ofHours(1)).plus(grace).plusSeconds(61);
            long sent = System.nanoTime();
            // A load generator: each send's future goes to 'unused', not waited on; flush() waits for them all.
            try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, names)) {
                for (int i = 0; i < Math.min(tokens, 600); i++) {
                    var unused = publisher.usage(usage(i, tenants, "late" + i, past));
                }
                publisher.flush();
            }
            long first = -1;
            int closed = 0;
            deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (closed < tenants && System.nanoTime() < deadline) {
                for (var r : reports.poll(Duration.ofMillis(20))) {
                    if (r.value().getOwner() == null && r.value().getWindowStart().equals(lastHour)
                            && r.value().getGranularity() == io.tokenpulse.avro.Granularity.HOURLY) {
                        if (first < 0) {
                            first = System.nanoTime();
                        }
                        closed++;
                    }
                }
            }
            long last = System.nanoTime();
            System.out.printf("report latency: first of the %d tenants' reports %.0f ms, all %d in %.0f ms after the events"
                    + " past end+grace were published (add the grace, %s, for the delay after the window's end)%n",
                    tenants, (first - sent) / 1e6, closed, (last - sent) / 1e6, grace);
        }
    }

    private static String tenant(int token, int tenants) {
        return "tenant-" + token % tenants;
    }

    private static TokenUsageEvent usage(int i, int tenants, String id, Instant at) {
        return TokenUsageEvent.newBuilder().setEventId(id).setTokenId("tok-" + i).setTenant(tenant(i, tenants))
                .setOccurredAt(at).setPrincipal("svc").setScope("a").setSourceIp("10.0.0.1")
                .setOutcome(UsageOutcome.ALLOWED).setCount(1).build();
    }

    private static KafkaConsumer<String, PostureReport> consumer(AppConfig config, String topic, SchemaRegistryClient registry) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, PostureReport> c = new KafkaConsumer<>(p, new AvroStringSerde(registry, true).deserializer(),
                new SpecificAvroDeserializer<>(PostureReport.class, registry));
        c.subscribe(List.of(topic));
        return c;
    }
}
