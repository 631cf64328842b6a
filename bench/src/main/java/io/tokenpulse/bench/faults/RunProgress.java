package io.tokenpulse.bench.faults;

import io.tokenpulse.schemas.TopicDef;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a run has got, read from the cluster: records on its input and output topics, input offsets its group
 * committed. The harness waits on these to time its faults, and to tell when a run is done.
 */
final class RunProgress {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final List<TopicDef> INPUTS = List.of(TopicDef.LIFECYCLE, TopicDef.USAGE, TopicDef.DEPLOYMENTS, TopicDef.POLICIES);
    private static final List<TopicDef> OUTPUTS = List.of(TopicDef.ALERTS, TopicDef.ACTIONS, TopicDef.INCIDENTS, TopicDef.REPORTS);

    private final String bootstrap;
    /** Input records of the whole fleet. */
    private final long expected;
    private final PrintStream out;

    RunProgress(String bootstrap, long expected, PrintStream out) {
        this.bootstrap = bootstrap;
        this.expected = expected;
        this.out = out;
    }

    void awaitPublished(Map<TopicDef, String> topics, double fraction, Process publish) throws Exception {
        while (inputRecords(topics) < expected * fraction && publish.isAlive()) {
            Thread.sleep(50);
        }
    }

    /** Until this fraction of the input is committed by the group; at once if processing is already past it or done. */
    void awaitProcessed(String group, Map<TopicDef, String> topics, double fraction) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (committed(group, topics) < expected * fraction && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    String describe(String group, Map<TopicDef, String> topics) throws Exception {
        return String.format("%.0f%% published, %.0f%% processed", 100.0 * inputRecords(topics) / expected,
                100.0 * committed(group, topics) / expected);
    }

    /** Until the group's committed input offsets move past {@code before}; null if they never did within 3 minutes. */
    Duration resumed(String group, Map<TopicDef, String> topics, long before, long t0) throws Exception {
        if (before >= expected) {
            return null;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (committed(group, topics) > before) {
                return FaultHarness.since(t0);
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** The input is all committed and the outputs have stopped growing for a while after the sources went idle. */
    void awaitDone(String group, Map<TopicDef, String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (committed(group, topics) < expected || inputRecords(topics) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " did not consume its input within 15 minutes: " + committed(group, topics)
                        + " of " + expected);
            }
            Thread.sleep(500);
        }
        FaultHarness.log(out, "%s consumed all input; waiting for the sources to go idle and the outputs to settle", group);
        Thread.sleep(IDLE_TIMEOUT.plusSeconds(5).toMillis());
        long last = outputRecords(topics);
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < Duration.ofSeconds(20).toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            long now = outputRecords(topics);
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /**
     * Until a member of the group whose static id starts with {@code instance} (Kafka Streams adds a thread suffix)
     * holds at least one partition; how long that took, or null if not within the timeout.
     */
    Duration awaitMember(String group, String instance, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < timeout.toNanos()) {
            try (Admin admin = admin()) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(30, TimeUnit.SECONDS);
                boolean member = d.members().stream().anyMatch(m -> m.groupInstanceId().map(id -> id.startsWith(instance)).orElse(false)
                        && !m.assignment().topicPartitions().isEmpty());
                if (member) {
                    return FaultHarness.since(t0);
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the coordinator may be moving: look again
            }
            Thread.sleep(500);
        }
        return null;
    }

    /** The input partitions the instance's members hold now (empty when it is not in the group or it cannot tell). */
    Set<TopicPartition> heldBy(String group, String instance, Map<TopicDef, String> topics) throws Exception {
        List<String> inputs = INPUTS.stream().map(topics::get).toList();
        try (Admin admin = admin()) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
            return d.members().stream().filter(m -> m.groupInstanceId().map(id -> id.startsWith(instance)).orElse(false))
                    .flatMap(m -> m.assignment().topicPartitions().stream()).filter(tp -> inputs.contains(tp.topic()))
                    .collect(Collectors.toSet());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Set.of();
        }
    }

    List<String> awaitNoOpenTransactions(OutputVerifier verifier, String group, Map<TopicDef, String> topics) throws Exception {
        // A killed instance's transaction is aborted by its coordinator after transaction.timeout.ms: allow for it.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> open = verifier.openTransactions(group, topics);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            open = verifier.openTransactions(group, topics);
        }
        return open;
    }

    long inputRecords(Map<TopicDef, String> topics) throws Exception {
        return endOffsets(topics, INPUTS);
    }

    private long outputRecords(Map<TopicDef, String> topics) throws Exception {
        return endOffsets(topics, OUTPUTS);
    }

    private long endOffsets(Map<TopicDef, String> topics, List<TopicDef> which) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (TopicDef t : which) {
                for (int p = 0; p < 6; p++) {
                    specs.put(new TopicPartition(topics.get(t), p), OffsetSpec.latest());
                }
            }
            return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    long committed(String group, Map<TopicDef, String> topics) throws Exception {
        return committed(group, topics, null);
    }

    /** The committed input offsets of the group, summed over {@code only} (every input partition when null). */
    long committed(String group, Map<TopicDef, String> topics, Set<TopicPartition> only) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            List<String> inputs = INPUTS.stream().map(topics::get).toList();
            return offsets.entrySet().stream().filter(e -> inputs.contains(e.getKey().topic()) && e.getValue() != null)
                    .filter(e -> only == null || only.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return 0; // the coordinator may be moving (a broker just died): no progress seen this time
        }
    }

    Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 5_000, "default.api.timeout.ms", 15_000));
    }
}
