package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a crash: the pipeline runs as its own JVM ('tokenpulse run'), is killed with SIGKILL in the
 * middle of a backlog, and started again on the same state; every expected alert comes out exactly once.
 */
class CrashRecoveryIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final int TOKENS = 20_000;

    @TempDir
    Path dir;

    @Test
    void aKilledPipelineRestartsWithoutDuplicateOrLostAlerts() throws Exception {
        StackApp stackApp = new StackApp(STACK, "crash", dir.resolve("state"));
        Properties client = new Properties();
        client.putAll(stackApp.config.kafkaClientProperties());
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(stackApp.config.registry().clientConfig());

        // Given a backlog: each token never expires (EXPIRY_POLICY_VIOLATION) and is used by another principal
        // (PRINCIPAL_MISMATCH): two alerts per token, deterministic ids.
        Instant t0 = Instant.now().minus(Duration.ofDays(3));
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, stackApp.topics)) {
            for (int i = 0; i < TOKENS; i++) {
                publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("l" + i).setTokenId("tok-" + i).setTenant("crash")
                        .setType(LifecycleType.ISSUED).setOccurredAt(t0).setPrincipal("svc").setScopes(List.of("a"))
                        .setIssuer("internal").build());
                publisher.usage(TokenUsageEvent.newBuilder().setEventId("u" + i).setTokenId("tok-" + i).setTenant("crash")
                        .setOccurredAt(t0.plusSeconds(60)).setPrincipal("intruder").setScope("a")
                        .setOutcome(UsageOutcome.ALLOWED).setCount(1).build());
            }
            publisher.flush();
        }

        try (KafkaConsumer<String, TokenAlert> alerts = alertConsumer(stackApp, registry)) {
            List<String> ids = new ArrayList<>();
            // When the pipeline is killed (SIGKILL) after it has committed some of the alerts ...
            Process first = stackApp.runProcess(dir.resolve("first.log"));
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (ids.size() < 2_000 && System.nanoTime() < deadline) {
                    alerts.poll(Duration.ofMillis(100)).forEach(r -> ids.add(r.value().getAlertId()));
                }
            } finally {
                first.destroyForcibly().waitFor();
            }
            int beforeCrash = ids.size();
            assertTrue(beforeCrash > 0 && beforeCrash < 2 * TOKENS,
                    "the kill must land in the middle of the backlog; alerts before it: " + beforeCrash);

            // ... and started again on the same state
            Process second = stackApp.runProcess(dir.resolve("second.log"));
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                long quietSince = System.nanoTime();
                while (System.nanoTime() < deadline && (ids.size() < 2 * TOKENS || System.nanoTime() - quietSince < 5_000_000_000L)) {
                    int n = ids.size();
                    alerts.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.value().getAlertId()));
                    if (ids.size() != n) {
                        quietSince = System.nanoTime();
                    }
                }
            } finally {
                second.destroy();
                second.waitFor();
            }

            // Then every alert is there exactly once
            Set<String> distinct = new HashSet<>(ids);
            assertEquals(ids.size(), distinct.size(), "duplicate alerts after the crash (" + beforeCrash + " before it)");
            assertEquals(2 * TOKENS, distinct.size(), "alerts lost after the crash (" + beforeCrash + " before it)");
        }
    }

    private static KafkaConsumer<String, TokenAlert> alertConsumer(StackApp app, SchemaRegistryClient registry) {
        Properties p = new Properties();
        p.putAll(app.config.kafkaClientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, RealKafkaAndRegistry.unique("crash-reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, TokenAlert> c = new KafkaConsumer<>(p, new AvroStringSerde(registry, true).deserializer(),
                new SpecificAvroDeserializer<>(TokenAlert.class, registry));
        c.subscribe(List.of(app.topics.get(TopicDef.ALERTS)));
        return c;
    }
}
