package io.tokenpulse.app.metrics;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.detect.Fleet;
import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.UsageOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Posture reports over small fleets whose every figure is computed by hand. T0 is 2025-01-25T12:00Z. */
class PostureReportTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final Instant DAY_OF_T0 = Instant.parse("2025-01-25T00:00:00Z");

    @TempDir
    Path stateDir;

    private static Instant h(long hoursAfterT0) {
        return at(Duration.ofHours(hoursAfterT0));
    }

    /**
     * scopeObservation 6h. At T0+6h (18:00, the end of the 17:00 window, which includes changes at its end):
     * a (read+write, both used) least-privileged; b (read+admin, admin never used) over-privileged; c issued at
     * T0+3h, too young to judge; d no expiry, its one scope used; e lives 200 days (over the 90-day maximum), its
     * one scope used. Judged a, b, d, e; least-privileged a, d, e: ratio 3/4.
     */
    @Test
    void leastPrivilegeRatioLeavesOutTokensTooYoungToJudge() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            f.policy(p -> p.setScopeObservationMs(Duration.ofHours(6).toMillis()));
            Instant in30 = h(0).plus(days(30));
            f.issue("a", h(0), List.of("repo:read", "repo:write"), in30);
            f.issue("b", h(0), List.of("repo:read", "repo:admin"), in30);
            f.issue("d", h(0), List.of("repo:read"), null);
            f.issue("e", h(0), List.of("repo:read"), h(0).plus(days(200)));
            f.use("a", h(1)).use("b", h(1)).use("a", h(2), u -> u.setScope("repo:write"));
            f.lifecycle("c", LifecycleType.ISSUED, h(3), b -> b.setScopes(List.of("repo:read")).setExpiresAt(in30).setOwner("web"));
            f.use("d", h(5)).use("e", h(5));
            f.tick(h(8));

            PostureReport before = r.hourly(null, h(4));
            assertEquals(5, before.getActiveTokens());
            assertNull(before.getLeastPrivilegeRatio(), "no token is 6 hours old at 17:00");
            assertEquals(0, before.getOverPrivilegedTokens());

            PostureReport judged = r.hourly(null, h(5));
            assertEquals(h(6), judged.getWindowEnd());
            assertEquals(5, judged.getActiveTokens());
            assertEquals(0.75, judged.getLeastPrivilegeRatio());
            assertEquals(1, judged.getOverPrivilegedTokens());
            assertEquals(1, judged.getTokensWithoutExpiry());
            assertEquals(1, judged.getTokensOverMaxLifetime());
            assertEquals(0, judged.getUnusedTokens());
            assertEquals(Map.of(), judged.getAlertsByType(), "OVER_PRIVILEGED is raised at 18:00: the next window's");

            // By owner: c alone is web's; the others are payments'
            PostureReport web = r.hourly("web", h(5));
            assertEquals(1, web.getActiveTokens());
            assertNull(web.getLeastPrivilegeRatio());
            PostureReport payments = r.hourly("payments", h(5));
            assertEquals(4, payments.getActiveTokens());
            assertEquals(0.75, payments.getLeastPrivilegeRatio());

            // The window the issues happened in counts the expiry-policy alerts of d and e
            assertEquals(Map.of("EXPIRY_POLICY_VIOLATION", 2L), r.hourly(null, h(0)).getAlertsByType());
            assertEquals(Map.of("OVER_PRIVILEGED", 1L), r.hourly(null, h(6)).getAlertsByType());
        }
    }

    /**
     * unusedAfter 2h: x is issued at T0 and never used, so from T0+2h it is unused; it is used at T0+3h30 and is
     * no longer. Gauges are the state at each window's end.
     */
    @Test
    void gaugesAreTheStateAtTheWindowsEnd() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            f.policy(p -> p.setUnusedAfterMs(Duration.ofHours(2).toMillis()));
            f.issue("x", h(0));
            f.use("x", h(3).plus(Duration.ofMinutes(30)));
            f.tick(h(5));
            assertEquals(0, r.hourly(null, h(0)).getUnusedTokens());
            assertEquals(1, r.hourly(null, h(1)).getUnusedTokens(), "unused from 14:00, the end of the 13:00 window");
            assertEquals(1, r.hourly(null, h(2)).getUnusedTokens());
            assertEquals(0, r.hourly(null, h(3)).getUnusedTokens());
            assertEquals(1, r.hourly(null, h(3)).getActiveTokens());
        }
    }

    /**
     * Lifespans of the tokens that ended in the window: x revoked after 2h, y expiring after 5h (its expiresAt passes,
     * no event needed), z revoked after 8h; w's EXPIRED event comes at midnight, so it ends the next day. The day of
     * T0 has 2h, 5h, 8h: p50 5h, p95 8h (nearest rank).
     */
    @Test
    void lifespansOfTheTokensThatEndedInTheWindow() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            Instant in30 = h(0).plus(days(30));
            f.issue("x", h(0)).issue("y", h(0), List.of("repo:read"), h(5));
            f.issue("z", h(1)).issue("w", h(1));
            f.lifecycle("x", LifecycleType.REVOKED, h(2), b -> { });
            f.lifecycle("z", LifecycleType.REVOKED, h(9), b -> { });
            f.lifecycle("w", LifecycleType.EXPIRED, h(12), b -> { });
            f.tick(h(37)); // the next day closes at midnight plus the grace

            PostureReport day = r.daily(null, DAY_OF_T0);
            assertEquals(5 * HOUR, day.getLifespanP50Ms());
            assertEquals(8 * HOUR, day.getLifespanP95Ms());
            assertEquals(0, day.getActiveTokens(), "w has ended at midnight, the day's end");
            assertEquals(2 * HOUR, r.hourly(null, h(2)).getLifespanP50Ms());
            assertEquals(5 * HOUR, r.hourly(null, h(5)).getLifespanP95Ms());
            assertNull(r.hourly(null, h(3)).getLifespanP50Ms(), "nothing ended 15:00-16:00");
            assertEquals(11 * HOUR, r.daily(null, DAY_OF_T0.plus(days(1))).getLifespanP50Ms());
            assertTrue(in30.isAfter(h(12)));
        }
    }

    /**
     * Grace 10 minutes. A use denied as expired at 12:50 arriving when time is 13:05 is in time for the 12:00 window;
     * one at 12:55 arriving at 13:20, after that window closed at 13:10, is not lost: the 13:00 report counts it as a
     * late event, and the daily window, still open, counts it as breakage.
     */
    @Test
    void lateEventsWithinTheGraceCountAndLaterOnesGoToTheNextReport() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            Duration m = Duration.ofMinutes(1);
            f.issue("t", h(0));
            f.tick(h(1).plus(m.multipliedBy(5)));
            f.use("t", h(0).plus(m.multipliedBy(50)), u -> u.setOutcome(UsageOutcome.DENIED_EXPIRED).setCount(3));
            assertFalse(r.has(null, Granularity.HOURLY, h(0)), "the 12:00 window closes at 13:10");
            f.tick(h(1).plus(m.multipliedBy(20)));
            PostureReport noon = r.hourly(null, h(0));
            assertEquals(3, noon.getExpiryBreakage());
            assertEquals(0, noon.getLateEvents());

            f.use("t", h(0).plus(m.multipliedBy(55)), u -> u.setOutcome(UsageOutcome.DENIED_EXPIRED));
            f.tick(h(3).plus(m.multipliedBy(15)));
            PostureReport next = r.hourly(null, h(1));
            assertEquals(1, next.getLateEvents());
            assertEquals(0, next.getExpiryBreakage());
            assertEquals(0, r.hourly(null, h(2)).getLateEvents(), "counted once");

            f.tick(h(13));
            PostureReport day = r.daily(null, DAY_OF_T0);
            assertEquals(4, day.getExpiryBreakage());
            assertEquals(0, day.getLateEvents());
        }
    }

    @Test
    void aTenantWithNothingActiveAndNothingHappeningGetsNoReport() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            f.issue("x", h(0));
            f.lifecycle("x", LifecycleType.REVOKED, h(1), b -> { });
            f.tick(h(6));
            assertTrue(r.has(null, Granularity.HOURLY, h(0)));
            assertTrue(r.has(null, Granularity.HOURLY, h(1)), "the revocation happened in it");
            assertFalse(r.has(null, Granularity.HOURLY, h(2)));
            assertFalse(r.has(null, Granularity.HOURLY, h(4)));
        }
    }
}
