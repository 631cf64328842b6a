package io.tokenpulse.app.time;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A stream thread's main consumer that tells {@link InputEnds} after every poll which of its partitions are read to
 * their end. It uses the lag the consumer already knows from its last fetch ({@link #currentLag}): no call to the
 * broker, nothing to wait for. Records the consumer has fetched but not yet handed over count as unread, and so does a
 * partition it has not fetched yet.
 *
 * <p>After a gap of {@link #STALLED_MS} between two polls (a long GC pause, a SIGSTOP, a machine under load, a long
 * batch of processing) the lag it knows is as old as the gap: records may have been written meanwhile. Until fresh
 * fetches had time to come back ({@link #RECHECK_MS} and two polls) a partition found at its end is not checked
 * again: what is known about it stays dated before the gap. One found behind is behind at once.
 */
public final class EndCheckingConsumer extends KafkaConsumer<byte[], byte[]> {
    /** A gap between two polls at least this long makes the known lag stale. */
    static final long STALLED_MS = 1_000;
    /** How long after a gap the known lag is not trusted: longer than a fetch's wait on the broker (500 ms). */
    static final long RECHECK_MS = 1_000;

    private final InputEnds ends;
    /** The partitions this consumer vouched for, with the start of their run. */
    private final Map<TopicPartition, Long> vouched = new HashMap<>();
    private long lastPoll = Long.MIN_VALUE;
    private long recheckUntil = Long.MIN_VALUE;
    private int pollsToRecheck;

    public EndCheckingConsumer(Map<String, Object> config, InputEnds ends) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.ends = ends;
        ends.feeding();
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        check(System.currentTimeMillis());
        return records;
    }

    private void check(long wallNow) {
        if (lastPoll != Long.MIN_VALUE && wallNow - lastPoll >= STALLED_MS) {
            recheckUntil = wallNow + RECHECK_MS;
            pollsToRecheck = 2;
        }
        lastPoll = wallNow;
        boolean fresh = pollsToRecheck == 0 && wallNow >= recheckUntil;
        pollsToRecheck = Math.max(0, pollsToRecheck - 1);
        Set<TopicPartition> assigned = assignment();
        vouched.keySet().removeIf(tp -> {
            if (!assigned.contains(tp)) {
                ends.behind(tp);
                return true;
            }
            return false;
        });
        for (TopicPartition tp : assigned) {
            OptionalLong lag = currentLag(tp);
            if (lag.isPresent() && lag.getAsLong() <= 0) {
                if (fresh) {
                    ends.readToEnd(tp, vouched.computeIfAbsent(tp, p -> wallNow), wallNow);
                }
            } else {
                ends.behind(tp);
                vouched.remove(tp);
            }
        }
    }

    @Override
    public void close(CloseOptions option) {
        release();
        super.close(option);
    }

    /** @deprecated as in {@link KafkaConsumer}; kept so that a caller of the old form releases the partitions too */
    @Deprecated
    @Override
    @SuppressWarnings("InlineMeSuggester") // an override of the client's deprecated method, not an API of ours to inline
    public void close(Duration timeout) {
        close(CloseOptions.timeout(timeout));
    }

    @Override
    public void close() {
        release();
        super.close();
    }

    private void release() {
        vouched.keySet().forEach(ends::behind);
        vouched.clear();
    }
}
