package io.tokenpulse.app.ingest;

import static io.tokenpulse.app.Pipeline.NOW;
import static io.tokenpulse.app.Pipeline.lifecycle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** One rule for a usable event time, shared by the timestamp extractor and the validator. */
class PlausibleTimeTest {
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration SKEW = Duration.ofDays(1);
    private final PlausibleTime plausible = new PlausibleTime(CLOCK, SKEW);

    @Test
    void theSkewIsInclusiveAndEachRefusalSaysWhy() {
        assertEquals(Optional.empty(), plausible.problem(NOW.plus(SKEW)));
        assertEquals(Optional.empty(), plausible.problem(Instant.EPOCH));
        assertEquals(Optional.of("occurredAt " + NOW.plus(SKEW).plusMillis(1) + " is more than PT24H ahead of the wall clock ("
                + NOW + ")"), plausible.problem(NOW.plus(SKEW).plusMillis(1)));
        assertEquals(Optional.of("occurredAt 1969-12-31T23:59:59.999Z is before 1970"), plausible.problem(Instant.EPOCH.minusMillis(1)));
    }

    @Test
    void theExtractorTakesTheTimeOfExactlyTheRecordsTheValidatorLetsThrough() {
        EventTimeExtractor extractor = new EventTimeExtractor(CLOCK, SKEW);
        Validation validation = new Validation(CLOCK, SKEW);
        long partitionTime = 42;
        for (Instant t : List.of(Instant.EPOCH.minusMillis(1), Instant.EPOCH, NOW, NOW.plus(SKEW), NOW.plus(SKEW).plusMillis(1))) {
            TokenLifecycleEvent e = lifecycle("e", "tok", LifecycleType.ISSUED, t).build();
            long extracted = extractor.extract(new ConsumerRecord<>("token-lifecycle", 0, 0, "tok", e), partitionTime);
            boolean valid = validation.lifecycle().problem("tok", e).isEmpty();
            assertEquals(valid, extracted == t.toEpochMilli(), t + ": extracted " + extracted + ", valid " + valid);
            assertTrue(valid == plausible.accepts(t), t.toString());
        }
    }

    @Test
    void theQuickAnswerInWholeMillisecondsIsTheExactOne() {
        for (Instant now : List.of(NOW, NOW.plusNanos(1), NOW.plusNanos(500_000), NOW.plusNanos(999_999))) {
            for (Duration skew : List.of(Duration.ZERO, SKEW, Duration.ofMillis(1), Duration.ofNanos(1_500_000))) {
                PlausibleTime p = new PlausibleTime(Clock.fixed(now, ZoneOffset.UTC), skew);
                Instant edge = now.plus(skew);
                for (long nanos : new long[] {-2_000_000, -1_000_000, -1, 0, 1, 999_999, 1_000_000, 2_000_000}) {
                    for (Instant t : List.of(edge.plusNanos(nanos), edge.plusNanos(nanos).truncatedTo(ChronoUnit.MILLIS))) {
                        assertEquals(p.problem(t).isEmpty(), p.accepts(t), "now " + now + ", skew " + skew + ", t " + t);
                    }
                }
            }
        }
    }
}
