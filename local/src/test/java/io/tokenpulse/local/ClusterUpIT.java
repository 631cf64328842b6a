package io.tokenpulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.schemas.TopicDef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code up --brokers 3}: a replicated cluster of three local processes, and an up that restarts only what died. */
class ClusterUpIT {
    @TempDir
    Path home;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private LocalStack stack;

    @AfterEach
    void alwaysDown() {
        if (stack != null) {
            stack.down(false);
        }
    }

    @Test
    void threeBrokersReplicateEveryTopicAndUpRestartsOnlyTheKilledBroker() throws Exception {
        stack = new LocalStack(home, new PrintStream(output, true, StandardCharsets.UTF_8));

        // Given a three-broker stack
        UpResult up = stack.up(StackOptions.defaults().withBrokers(3).withPartitions(3).withTimeout(Duration.ofSeconds(90)));
        assertEquals(3, up.bootstrapServers().split(",").length, up.bootstrapServers());

        // Then SPEC's topics have three replicas, all in sync, and need two of them for a write; so do the topics the
        // brokers and Kafka Streams create with the default (offsets, transactions, changelogs, repartitions)
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", up.bootstrapServers()))) {
            TopicDescription usage = admin.describeTopics(List.of(TopicDef.USAGE.defaultName())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(TopicDef.USAGE.defaultName());
            usage.partitions().forEach(p -> {
                assertEquals(3, p.replicas().size(), p.toString());
                assertEquals(3, p.isr().size(), p.toString());
            });
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TopicDef.USAGE.defaultName());
            assertEquals("2", admin.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS).get(topic)
                    .get("min.insync.replicas").value());
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "2");
            Config b = admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker);
            assertEquals("3", b.get("default.replication.factor").value());
            assertEquals("2", b.get("min.insync.replicas").value());
            assertEquals("3", b.get("offsets.topic.replication.factor").value());
            assertEquals("3", b.get("transaction.state.log.replication.factor").value());
            assertEquals("2", b.get("transaction.state.log.min.isr").value());
        }
        StackStatus before = stack.status();
        assertTrue(before.healthy(), before.toJson());
        assertEquals(List.of(1, 2, 3), before.brokers().stream().map(StackStatus.Broker::id).toList());

        // When broker 2 dies (SIGKILL)
        ProcessHandle victim = ProcessHandle.of(before.brokers().get(1).pid()).orElseThrow();
        victim.destroyForcibly();
        victim.onExit().get(10, TimeUnit.SECONDS);
        StackStatus broken = stack.status();
        assertEquals("stopped", broken.brokers().get(1).state(), broken.toJson());
        assertFalse(broken.healthy());

        // And up runs again (without --brokers: the home remembers it has three)
        UpResult again = stack.up(StackOptions.defaults().withTimeout(Duration.ofSeconds(90)));

        // Then only broker 2 was started, on its old port; the others and the registry are the same processes
        assertFalse(again.alreadyRunning());
        assertEquals(up.bootstrapServers(), again.bootstrapServers());
        assertEquals(Duration.ZERO, again.registryStartup());
        StackStatus after = stack.status();
        assertTrue(after.healthy(), after.toJson());
        assertEquals(before.brokers().get(0).pid(), after.brokers().get(0).pid());
        assertNotEquals(before.brokers().get(1).pid(), after.brokers().get(1).pid());
        assertEquals(before.brokers().get(1).port(), after.brokers().get(1).port());
        assertEquals(before.brokers().get(2).pid(), after.brokers().get(2).pid());
        assertEquals(before.registry().pid(), after.registry().pid());
        assertTrue(after.toJson().contains("\"id\":2,\"pid\":" + after.brokers().get(1).pid()), after.toJson());

        // And the restarted broker catches up: every replica is back in sync
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", again.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean inSync = false;
            while (!inSync && System.nanoTime() < deadline) {
                inSync = admin.describeTopics(List.of(TopicDef.USAGE.defaultName())).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(TopicDef.USAGE.defaultName()).partitions().stream().allMatch(p -> p.isr().size() == 3);
                Thread.sleep(200);
            }
            assertTrue(inSync, "broker 2 did not rejoin the ISR");
        }

        // And a home of three brokers refuses to become one in place
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> stack.up(StackOptions.defaults().withBrokers(1)));
        assertTrue(refused.getMessage().contains("down --purge"), refused.getMessage());

        // And down stops every process of the stack
        List<Long> pids = List.of(after.brokers().get(0).pid(), after.brokers().get(1).pid(), after.brokers().get(2).pid(),
                after.registry().pid());
        assertTrue(stack.down(true));
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
        }
        System.out.printf("3 brokers up in %d ms; broker 2 restarted in %d ms%n", up.kafkaStartup().toMillis(),
                again.kafkaStartup().toMillis());
    }
}
