package io.tokenpulse.app.ingest;

import static io.tokenpulse.app.Pipeline.NOW;
import static io.tokenpulse.app.Pipeline.lifecycle;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventTimeExtractorTest {
    private static final long PARTITION_TIME = NOW.minus(Duration.ofHours(1)).toEpochMilli();
    private final EventTimeExtractor extractor = new EventTimeExtractor(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(1));

    @Test
    void eventTimeIsOccurredAtNotTheArrivalTime() {
        Instant yearsAgo = Instant.parse("2019-05-04T10:00:00Z");
        assertEquals(yearsAgo.toEpochMilli(), extract(lifecycle("e", "t", LifecycleType.ISSUED, yearsAgo).build(), PARTITION_TIME));
    }

    @Test
    void anEventUpToTheMaxSkewAheadIsTrusted() {
        Instant ahead = NOW.plus(Duration.ofDays(1));
        assertEquals(ahead.toEpochMilli(), extract(lifecycle("e", "t", LifecycleType.ISSUED, ahead).build(), PARTITION_TIME));
    }

    @Test
    void anEventFurtherAheadGetsThePartitionTimeSoItCannotPushStreamTime() {
        Instant tooFar = NOW.plus(Duration.ofDays(1)).plusMillis(1);
        assertEquals(PARTITION_TIME, extract(lifecycle("e", "t", LifecycleType.ISSUED, tooFar).build(), PARTITION_TIME));
    }

    @Test
    void aTombstoneOrAForeignValueGetsThePartitionTime() {
        assertEquals(PARTITION_TIME, extract(null, PARTITION_TIME));
        assertEquals(PARTITION_TIME, extract("not avro", PARTITION_TIME));
    }

    @Test
    void aPolicyWithoutOccurredAtAppliesFromThePartitionTime() {
        assertEquals(PARTITION_TIME, extract(TokenPolicy.newBuilder().setTenant("acme").build(), PARTITION_TIME));
    }

    @Test
    void beforeAnyValidRecordTheFallbackIsZeroNotANegativeTimestampThatStreamsWouldDrop() {
        assertEquals(0L, extract(null, -1L));
    }

    @Test
    void aTimeBefore1970IsInvalid() {
        Instant old = Instant.parse("1969-12-31T23:59:59Z");
        assertEquals(PARTITION_TIME, extract(lifecycle("e", "t", LifecycleType.ISSUED, old).build(), PARTITION_TIME));
    }

    private long extract(Object value, long partitionTime) {
        return extractor.extract(new ConsumerRecord<>("token-lifecycle", 0, 0L, "t", value), partitionTime);
    }
}
