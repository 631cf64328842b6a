package io.tokenpulse.cli;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.schemas.TopicDef;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until the pipeline (the consumer group {@code application.id}) has committed offsets up to the end of
 * everything it reads: the input topics and its own links and repartition topics. The simulator calls it after
 * each simulated day, so that the day's cross-partition facts (a replacement telling the token it replaces, a
 * retirement reaching the bound tokens) are delivered before the next day's records move any partition past the
 * deadlines that depend on them: the ordering limit DETECTION.md and scenarios/detection describe.
 *
 * <p>The app's internal topics are written in transactions, and a committed transaction leaves a marker after the
 * last record; a lag of one there counts as caught up.
 */
final class PipelineSync implements AutoCloseable {
    private final Admin admin;
    private final String groupId;
    private final List<String> inputs;
    private final Duration timeout;
    private boolean enabled = true;
    private boolean everCommitted;

    PipelineSync(AppConfig config, Duration timeout) {
        this.admin = Admin.create(new HashMap<>(config.kafkaClientProperties()));
        this.groupId = config.applicationId();
        this.inputs = List.of(config.topicName(TopicDef.LIFECYCLE), config.topicName(TopicDef.USAGE),
                config.topicName(TopicDef.DEPLOYMENTS));
        this.timeout = timeout;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * Returns how long it waited. When the group never committed anything within the timeout the pipeline is not
     * running (or has another application.id): it says so once and stops waiting for the rest of the run.
     */
    Duration await() throws InterruptedException {
        if (!enabled) {
            return Duration.ZERO;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String behind = "";
        while (System.nanoTime() < deadline) {
            try {
                behind = behind();
                if (behind.isEmpty()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (ExecutionException e) {
                behind = Errors.describe(e);
            }
            Thread.sleep(200);
        }
        if (!everCommitted) {
            System.err.println("tokenpulse: the pipeline (consumer group '" + groupId + "') has not consumed anything in "
                    + timeout.toSeconds() + " s; publishing the rest without waiting for it (cross-day ordering is then not guaranteed)");
            enabled = false;
        } else {
            System.err.println("tokenpulse: the pipeline is still behind after " + timeout.toSeconds() + " s (" + behind
                    + "); going on");
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Empty when caught up, else a short description of the lagging partitions. */
    private String behind() throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        if (committed != null && !committed.isEmpty()) {
            everCommitted = true;
        }
        Set<TopicPartition> partitions = new HashSet<>(committed == null ? Set.of() : committed.keySet());
        Map<String, TopicDescription> described = admin.describeTopics(inputs).allTopicNames().get();
        described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get();
        long lag = 0;
        int lagging = 0;
        for (TopicPartition p : partitions) {
            long end = ends.get(p).offset();
            OffsetAndMetadata c = committed == null ? null : committed.get(p);
            long position = c == null ? 0 : c.offset();
            long allowed = inputs.contains(p.topic()) ? 0 : 1;
            if (end - position > allowed) {
                lag += end - position;
                lagging++;
            }
        }
        return lagging == 0 ? "" : lag + " records in " + lagging + " partition(s)";
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
