package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroStringSerde;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Posture reports on the real broker and registry, with the pipeline in a JVM of its own that is killed (SIGKILL)
 * after its first reports and started again on the same state: every window of every tenant and owner is reported
 * exactly once, with the gauges the data implies.
 */
class ReportsIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final int TENANTS = 4;
    private static final int TOKENS = 6_000;
    private static final int USES_PER_TOKEN = 12;
    private static final Duration GRACE = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void everyWindowIsReportedExactlyOnceAcrossAKill() throws Exception {
        StackApp app = new StackApp(STACK, "reports", dir.resolve("state"));
        Properties client = new Properties();
        client.putAll(app.config.kafkaClientProperties());
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(app.config.registry().clientConfig());

        // Given 48 hours of history: every token issued at T (half past an hour) and used every 4 hours after
        Instant base = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        Instant t = base.plus(Duration.ofMinutes(30));
        Instant last = t;
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, app.topics)) {
            for (int i = 0; i < TOKENS; i++) {
                publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("l" + i).setTokenId("tok-" + i)
                        .setTenant(tenant(i)).setOwner(owner(i)).setType(LifecycleType.ISSUED).setOccurredAt(t)
                        .setPrincipal("svc").setScopes(List.of("a")).setExpiresAt(t.plus(Duration.ofDays(30)))
                        .setIssuer("internal").build());
            }
            // One incident: tok-0 exposed at T, reported an hour later (time to detect 1h), never revoked
            publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("c0").setTokenId("tok-0").setTenant(tenant(0))
                    .setType(LifecycleType.COMPROMISED).setOccurredAt(t.plus(Duration.ofHours(1))).setExposedAt(t)
                    .setIssuer("internal").build());
            for (int k = 0; k < USES_PER_TOKEN; k++) {
                for (int minute = 0; minute < 240; minute++) {
                    for (int i = minute; i < TOKENS; i += 240) {
                        Instant at = t.plus(Duration.ofMinutes(minute)).plus(Duration.ofHours(4L * k));
                        last = at.isAfter(last) ? at : last;
                        publisher.usage(TokenUsageEvent.newBuilder().setEventId("u" + i + "-" + k).setTokenId("tok-" + i)
                                .setTenant(tenant(i)).setOccurredAt(at).setPrincipal("svc").setScope("a")
                                .setSourceIp("10.0.0.1").setOutcome(UsageOutcome.ALLOWED).setCount(1).build());
                    }
                }
            }
            publisher.flush();
            // The input must all be there, or a shortfall below would blame the pipeline for a publish that failed
            assertEquals(0, publisher.deliveryStats().failed(), () -> "the test's input was not all published: "
                    + publisher.deliveryStats().describe());
        }
        // Windows that close: hourly from the hour of T; each ends at most (last - grace), the idle clock adds seconds
        Instant closedUpTo = last.minus(GRACE).truncatedTo(ChronoUnit.HOURS);
        Set<String> expected = new TreeSet<>();
        for (int n = 0; n < TENANTS; n++) {
            for (String owner : new String[] {null, "team-a", "team-b"}) {
                for (Instant h = base; !h.plus(Duration.ofHours(1)).isAfter(closedUpTo); h = h.plus(Duration.ofHours(1))) {
                    expected.add(id("tenant-" + n, owner, Granularity.HOURLY, h));
                }
                for (Instant d = t.truncatedTo(ChronoUnit.DAYS); !d.plus(Duration.ofDays(1)).isAfter(closedUpTo); d = d.plus(Duration.ofDays(1))) {
                    expected.add(id("tenant-" + n, owner, Granularity.DAILY, d));
                }
            }
        }

        try (KafkaConsumer<String, PostureReport> reports = consumer(app, registry)) {
            List<PostureReport> seen = new ArrayList<>();
            // When the pipeline is killed once some reports are committed ...
            Process first = app.runProcess(dir.resolve("first.log"));
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (seen.size() < 60 && System.nanoTime() < deadline) {
                    reports.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                }
            } finally {
                first.destroyForcibly().waitFor();
            }
            int beforeKill = seen.size();
            assertTrue(beforeKill > 0 && beforeKill < expected.size(),
                    "the kill must land in the middle; reports before it: " + beforeKill + " of " + expected.size());

            // ... and started again on the same state
            Process second = app.runProcess(dir.resolve("second.log"));
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                long quietSince = System.nanoTime();
                while (System.nanoTime() < deadline && (seen.size() < expected.size() || System.nanoTime() - quietSince < 5_000_000_000L)) {
                    int n = seen.size();
                    reports.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                    if (seen.size() != n) {
                        quietSince = System.nanoTime();
                    }
                }
            } finally {
                second.destroy();
                second.waitFor();
            }

            // Then each expected window exactly once, and nothing else
            Map<String, Integer> counts = new HashMap<>();
            for (PostureReport r : seen) {
                counts.merge(id(r.getTenant(), r.getOwner(), r.getGranularity(), r.getWindowStart()), 1, Integer::sum);
            }
            List<String> repeated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            assertEquals(List.of(), repeated, "reported twice (" + beforeKill + " reports before the kill)");
            assertEquals(expected, new TreeSet<>(counts.keySet()), "reports missing or unexpected");
            // And the gauges the data implies: every token active from T on, unused never, in every window
            for (PostureReport r : seen) {
                long tokens = r.getOwner() == null ? TOKENS / TENANTS : TOKENS / TENANTS / 2;
                assertEquals(tokens, r.getActiveTokens(), () -> "active tokens in " + r);
                assertEquals(0, r.getUnusedTokens(), () -> "unused tokens in " + r);
                assertEquals(0, r.getLateEvents(), () -> "late events in " + r);
            }
        }

        // The CLI shows the same: the tenant-wide daily reports, and the incident with its time to detect
        CliRun daily = app.cli("reports", "--tenant", "tenant-0", "--granularity", "DAILY", "--json");
        assertEquals(0, daily.exitCode, daily.toString());
        long days = expected.stream().filter(e -> e.startsWith("tenant-0|*|DAILY")).count();
        assertEquals(days, daily.out.lines().count(), daily.out);
        assertTrue(daily.out.lines().allMatch(l -> l.contains("\"activeTokens\": " + TOKENS / TENANTS)
                || l.contains("\"activeTokens\":" + TOKENS / TENANTS)), daily.out);
        CliRun table = app.cli("reports", "--tenant", "tenant-0", "--owner", "team-a", "--last", "3");
        assertEquals(0, table.exitCode, table.toString());
        assertEquals(4, table.out.lines().count(), "a header and 3 windows: " + table.out);
        assertTrue(table.out.lines().skip(1).allMatch(l -> l.contains("tenant-0/team-a")), table.out);
        CliRun incidents = app.cli("incidents", "--tenant", "tenant-0");
        assertEquals(0, incidents.exitCode, incidents.toString());
        assertEquals(2, incidents.out.lines().count(), incidents.out);
        assertTrue(incidents.out.lines().skip(1).findFirst().orElseThrow().matches("tok-0\\s+tenant-0\\s.*\\s1h00m\\s+-\\s+-\\s*"),
                incidents.out);
        assertEquals(0, app.cli("incidents", "--tenant", "tenant-1").out.lines().skip(1).count());
    }

    private static String tenant(int token) {
        return "tenant-" + token % TENANTS;
    }

    private static String owner(int token) {
        return (token / TENANTS) % 2 == 0 ? "team-a" : "team-b";
    }

    private static String id(String tenant, String owner, Granularity g, Instant start) {
        return tenant + "|" + Objects.toString(owner, "*") + "|" + g + "|" + start;
    }

    private static KafkaConsumer<String, PostureReport> consumer(StackApp app, SchemaRegistryClient registry) {
        Properties p = new Properties();
        p.putAll(app.config.kafkaClientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, RealKafkaAndRegistry.unique("reports-reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, PostureReport> c = new KafkaConsumer<>(p, new AvroStringSerde(registry, true).deserializer(),
                new SpecificAvroDeserializer<>(PostureReport.class, registry));
        c.subscribe(List.of(app.topics.get(TopicDef.REPORTS)));
        return c;
    }
}
