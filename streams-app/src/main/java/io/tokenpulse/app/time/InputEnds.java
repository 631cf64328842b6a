package io.tokenpulse.app.time;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What this instance's consumers know about the end of each input partition they read: since when (wall clock) a
 * partition has been read to its end without a break, and when that was last checked. Silence on a partition means
 * something only if its records are not merely unread (a backlog behind a busy or stalled thread, a fetch not yet
 * made), so a task's partition is quiet only if, <em>at the last check</em>, it had been read to its end for the whole
 * idle timeout and no record of it had arrived for as long (docs/TIME.md, "Silence that counts"). A record written
 * after that check comes after a writer's pause of at least the idle timeout, which the contract allows to be late.
 *
 * <p>The consumers of the running app feed it ({@link EndCheckingConsumer}). Until one does, for instance under
 * {@code TopologyTestDriver}, which hands every record over as it is read, every partition counts as read to its end.
 *
 * <p>This is a liveness signal only: like the idle timeout it decides when event time may move on without a record,
 * never what a record means, so it cannot make an answer depend on which partitions share an instance.
 */
public final class InputEnds {
    private record Run(long since, long checkedAt) {
    }

    private final Map<TopicPartition, Run> runs = new ConcurrentHashMap<>();
    private volatile boolean fed;

    /** Called by a consumer that reports ends: from now on, a partition no consumer vouches for is not read to its end. */
    void feeding() {
        fed = true;
    }

    /** A consumer found {@code partition} read to its end at {@code checkedAt}, in a run that began at {@code since}. */
    void readToEnd(TopicPartition partition, long since, long checkedAt) {
        runs.put(partition, new Run(since, checkedAt));
    }

    /** A consumer found records of {@code partition} not yet read, or no longer reads it. */
    void behind(TopicPartition partition) {
        runs.remove(partition);
    }

    /**
     * Whether, at the last check, {@code partition} had been read to its end for at least {@code forMs} and had been
     * silent for as long (its last record reached the task at {@code lastArrival}, wall clock).
     */
    public boolean quietFor(TopicPartition partition, long lastArrival, long forMs) {
        if (!fed) {
            return true;
        }
        Run run = runs.get(partition);
        return run != null && run.checkedAt - run.since >= forMs && run.checkedAt - lastArrival >= forMs;
    }
}
