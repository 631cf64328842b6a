package io.tokenpulse.app.time;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What this instance's consumers know about the end of each input partition they read: since when (wall clock) a
 * partition has been read to its end without a break. A partition that has been silent for a while is not idle if
 * its records are merely unread (a backlog waiting behind a busy or stalled thread, a fetch not yet made): it is idle
 * only once it has been known to be read to its end for the whole idle timeout (docs/TIME.md, "Silence that counts").
 *
 * <p>The consumers of the running app feed it ({@link EndCheckingConsumer}). Until one does, for instance under
 * {@code TopologyTestDriver}, which hands every record over synchronously, every partition counts as read to its end.
 *
 * <p>This is a liveness signal only: like the idle timeout it decides when event time may move on without a record,
 * never what a record means, so it cannot make an answer depend on which partitions share an instance.
 */
public final class InputEnds {
    private final Map<TopicPartition, Long> readToEndSince = new ConcurrentHashMap<>();
    private volatile boolean fed;

    /** Called by a consumer that reports ends: from now on, a partition no consumer vouches for is not read to its end. */
    void feeding() {
        fed = true;
    }

    /** Whether a consumer reports the ends of the partitions it reads (false under the test driver). */
    public boolean fed() {
        return fed;
    }

    /** A consumer found {@code partition} read to its end at {@code wallNow} (keeps the start of an unbroken run). */
    void readToEnd(TopicPartition partition, long wallNow) {
        readToEndSince.putIfAbsent(partition, wallNow);
    }

    /** A consumer found records of {@code partition} not yet read (or no longer reads it, or could not tell). */
    void behind(TopicPartition partition) {
        readToEndSince.remove(partition);
    }

    /** Whether {@code partition} has been read to its end, without a break, for at least {@code forMs} up to {@code wallNow}. */
    public boolean readToEndFor(TopicPartition partition, long wallNow, long forMs) {
        if (!fed) {
            return true;
        }
        Long since = readToEndSince.get(partition);
        return since != null && wallNow - since >= forMs;
    }
}
