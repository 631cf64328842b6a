package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.config.Detection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The watermark of one task over its own partitions and the promises of the tasks it waits for. */
class ProgressTest {
    private static final long MIN = Long.MIN_VALUE;
    private static final Detection SETTINGS = new Detection(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofDays(7), Duration.ofSeconds(1), Duration.ZERO, 1, Duration.ZERO);

    @Test
    void theWatermarkIsTheSlowestSourceLessTheLatenessAndNeverGoesBack() {
        Progress p = new Progress(List.of("a", "b"), Set.of("token-1"), SETTINGS, null, 0);
        p.onRecord("a", 100_000, 0);
        assertEquals(MIN, p.watermark(0), "b has said nothing and is not idle yet; token-1 neither");
        p.onRecord("b", 50_000, 0);
        p.onPromise("token-1", 70_000, false, 0);
        assertEquals(40_000, p.watermark(0), "b at 50 s less 10 s of lateness");
        assertEquals(40_000, p.own(0), "own partitions only");
        p.onRecord("b", 200_000, 1);
        assertEquals(70_000, p.watermark(1), "now token-1's promise is the slowest");
        p.onPromise("token-1", 60_000, false, 2);
        assertEquals(70_000, p.watermark(2), "a promise never goes back, nor does the watermark");
    }

    @Test
    void idleSourcesStopHoldingTimeBackAndAllIdleFollowsTheWallClock() {
        Progress p = new Progress(List.of("a", "b"), Set.of("token-1"), SETTINGS, null, 0);
        p.onRecord("a", 100_000, 1);
        p.onPromise("token-1", 10_000, true, 0);
        assertEquals(MIN, p.watermark(29_999), "b is silent but not idle before the timeout");
        assertEquals(90_000, p.watermark(30_000), "b idle (never spoke): a alone, less lateness; token-1 idle");
        assertFalse(p.idle(30_000), "a is still active");
        assertEquals(130_000, p.watermark(30_000 + 1), "a quiet too: its last time plus the wall-clock time since");
        assertTrue(p.idle(30_001));
        assertEquals(134_999, p.watermark(35_000), "event time moves on at wall-clock speed");
    }

    /** The producers' part is summed once per promise: each promise, and the grace ending, shows at the next ask. */
    @Test
    void everyPromiseAndTheEndOfTheGraceShowAtTheNextAsk() {
        Progress p = new Progress(List.of("a"), Set.of("token-1", "policy-0"), SETTINGS, null, 0);
        p.onRecord("a", 100_000, 0);
        p.onPromise("token-1", 50_000, false, 0);
        assertEquals(MIN, p.watermark(0), "the policy task has not promised: it caps time at nothing yet");
        p.onPromise("policy-0", 40_000, false, 0);
        assertEquals(40_000, p.watermark(0), "an active policy task caps time");
        p.onPromise("policy-0", 40_000, true, 1);
        assertEquals(50_000, p.watermark(1), "an idle one does not");
        p.onPromise("token-1", 80_000, false, 1);
        assertEquals(80_000, p.watermark(1));
        p.onPromise("token-1", 85_000, true, 2);
        assertEquals(85_000, p.watermark(2), "idle, but within the grace after start: it still holds time back");
        assertEquals(85_000, p.watermark(29_999));
        p.onRecord("a", 100_000, 29_999); // a stays active
        assertEquals(90_000, p.watermark(30_000), "the grace over, with no promise since: token-1 no longer holds a back");
    }

    @Test
    void aTaskThatNeverPromisedBlocksEvenPastTheIdleTimeout() {
        Progress p = new Progress(List.of("a"), Set.of("version-0"), SETTINGS, null, 0);
        p.onRecord("a", 100_000, 0);
        assertEquals(MIN, p.watermark(60_000), "it may have crashed with records still to send");
        p.onPromise("version-0", 95_000, false, 60_000);
        assertEquals(95_000, p.watermark(60_000));
    }

    @Test
    void withNoIdleTimeoutEverythingIsIdleAndTheWatermarkIsTheFurthestTimeSeen() {
        Detection zero = new Detection(Duration.ZERO, Duration.ZERO, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ZERO, 1,
                Duration.ZERO);
        Progress p = new Progress(List.of("lifecycle", "usage"), Set.of("token-0", "version-0"), zero, null, 0);
        p.onPromise("token-0", MIN, true, 0);
        p.onPromise("version-0", MIN, true, 0);
        p.onRecord("lifecycle", 1_000, 0);
        p.onPromise("token-0", 1_000, true, 0);
        p.onPromise("version-0", 1_000, true, 0);
        assertEquals(1_000, p.watermark(0));
    }
    @Test
    void aSilentSourceIsIdleOnlyIfItsConsumerKnewItReadToItsEndAndSilentForTheWholeTimeout() {
        InputEnds ends = new InputEnds();
        ends.feeding();
        TopicPartition a = new TopicPartition("usage", 0);
        TopicPartition b = new TopicPartition("lifecycle", 0);
        Progress p = new Progress(List.of("a", "b"), Set.of(), SETTINGS, null,
                Progress.Ends.of(ends, Map.of("a", a, "b", b)), 0);
        p.onRecord("a", 100_000, 0);
        p.onRecord("b", 50_000, 0);
        p.onRecord("a", 150_000, 20_000);
        p.onRecord("a", 200_000, 40_000);
        ends.readToEnd(a, 0, 40_000);
        assertEquals(40_000, p.watermark(45_000),
                "b has been silent for 45 s but no consumer has found it read to its end: it still holds time back");
        p.onRecord("a", 250_000, 60_000);
        ends.readToEnd(b, 40_000, 69_000);
        assertEquals(40_000, p.watermark(69_999), "read to its end, but for 29 s at the last check");
        ends.readToEnd(b, 40_000, 70_000);
        assertEquals(240_000, p.watermark(70_000), "read to its end for 30 s and silent at the last check: b is idle");

        p.onRecord("b", 60_000, 75_000);
        ends.readToEnd(a, 0, 100_000);
        assertFalse(p.ownIdle(110_000), "b's last record came after its last check: its silence is not known yet");
        ends.readToEnd(b, 40_000, 104_999);
        assertFalse(p.ownIdle(110_000), "checked 29.999 s after b's last record");
        ends.readToEnd(b, 40_000, 105_000);
        assertTrue(p.ownIdle(110_000));
        ends.behind(b);
        assertFalse(p.ownIdle(200_000), "b is behind: not idle however long it is silent");
    }

    @Test
    void untilAConsumerReportsEndsEveryPartitionCountsAsReadToItsEnd() {
        InputEnds ends = new InputEnds();
        TopicPartition a = new TopicPartition("usage", 0);
        assertTrue(ends.quietFor(a, 0, 30_000), "the test driver hands every record over as it is read");
        ends.feeding();
        assertFalse(ends.quietFor(a, 0, 30_000), "fed: a partition nobody vouches for is not read to its end");
        ends.readToEnd(a, 10, 30_010);
        assertTrue(ends.quietFor(a, 10, 30_000));
        assertFalse(ends.quietFor(a, 11, 30_000), "silent for less than the timeout at the last check");
        ends.behind(a);
        assertFalse(ends.quietFor(a, 0, 0), "behind");
    }
}
