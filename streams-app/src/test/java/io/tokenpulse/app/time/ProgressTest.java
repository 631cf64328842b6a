package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.config.Detection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
}
