package io.tokenpulse.app.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is {@code occurredAt} (docs/CONTRACT.md), never the arrival time: the input topics use LogAppendTime, so the
 * record timestamp only says when Kafka got it. Kafka Streams calls this on the deserialized record.
 *
 * <p>A value that cannot say when it happened (a tombstone, a null {@code occurredAt}, a time before 1970, or a
 * time more than {@code maxFutureSkew} ahead of the wall clock) gets the partition time instead, so it cannot
 * drag stream time forward and close windows early; the validator then sends the invalid ones to the DLQ.
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private final PlausibleTime plausible;

    public EventTimeExtractor(Clock clock, Duration maxFutureSkew) {
        this.plausible = new PlausibleTime(clock, maxFutureSkew);
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Instant t = EventTime.orNull(record.value());
        if (t != null && plausible.accepts(t)) {
            return t.toEpochMilli();
        }
        // Before the first valid record partition time is unknown (-1); 0 neither advances stream time nor makes Streams
        // drop the record as it would for a negative timestamp.
        return Math.max(partitionTime, 0L);
    }
}
