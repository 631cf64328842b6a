package io.tokenpulse.app.time;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
 * <p>A thread that did not poll for {@link #STALLED_MS} (a long GC pause, a SIGSTOP, a machine under load) may have
 * slept through new records whose fetch has not come back yet: every partition it reads then starts a new run, so none
 * turns idle on the strength of what was known before the gap.
 */
public final class EndCheckingConsumer extends KafkaConsumer<byte[], byte[]> {
    /** A gap between two polls at least this long counts as a stall. */
    static final long STALLED_MS = 2_000;

    private final InputEnds ends;
    private final Set<TopicPartition> vouched = new HashSet<>();
    private long lastPoll = Long.MIN_VALUE;

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
        boolean stalled = lastPoll != Long.MIN_VALUE && wallNow - lastPoll >= STALLED_MS;
        lastPoll = wallNow;
        Set<TopicPartition> assigned = assignment();
        for (TopicPartition tp : Set.copyOf(vouched)) {
            if (!assigned.contains(tp) || stalled) {
                ends.behind(tp);
                vouched.remove(tp);
            }
        }
        for (TopicPartition tp : assigned) {
            OptionalLong lag = currentLag(tp);
            if (lag.isPresent() && lag.getAsLong() <= 0) {
                ends.readToEnd(tp, wallNow);
                vouched.add(tp);
            } else {
                ends.behind(tp);
                vouched.remove(tp);
            }
        }
    }

    @Override
    public void close(org.apache.kafka.clients.consumer.CloseOptions option) {
        release();
        super.close(option);
    }

    @Override
    public void close(Duration timeout) {
        release();
        super.close(timeout);
    }

    @Override
    public void close() {
        release();
        super.close();
    }

    private void release() {
        vouched.forEach(ends::behind);
        vouched.clear();
    }
}
