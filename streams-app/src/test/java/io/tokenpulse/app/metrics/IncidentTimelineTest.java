package io.tokenpulse.app.metrics;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenpulse.app.detect.Fleet;
import io.tokenpulse.avro.IncidentTimeline;
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

class IncidentTimelineTest {
    private static final Duration C = days(10); // the report: 2025-02-04T12:00Z
    private static final long HOUR = Duration.ofHours(1).toMillis();

    @TempDir
    Path stateDir;

    /**
     * Exposed at C-5h, reported at C (no earlier signal: detected at C), a replacement issued at once but first used
     * at C+3h, revoked at C+2h, then tried twice. By hand: time to detect 5h, to revoke 2h, to replace 3h (not 0: the
     * replacement counts from its first allowed use), residual exposure 2.
     */
    @Test
    void aTimelineIsWrittenAtEachStepWithTheHandComputedDurations() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> b.setExposedAt(at(C.minusHours(5))));
            IncidentTimeline reported = last(r);
            assertEquals(at(C.minusHours(5)), reported.getExposedAt());
            assertEquals(at(C), reported.getReportedAt());
            assertEquals(at(C), reported.getDetectedAt());
            assertEquals(5 * HOUR, reported.getTimeToDetectMs());
            assertNull(reported.getRevokedAt());
            assertNull(reported.getTimeToRevokeMs());
            assertNull(reported.getTimeToReplaceMs());

            f.lifecycle("tok-2", LifecycleType.ROTATED, at(C), b -> b.setReplacesTokenId("tok-1")
                    .setScopes(List.of("repo:read")).setExpiresAt(at(C.plusDays(60))));
            assertEquals("tok-2", last(r).getReplacedBy());
            assertNull(last(r).getTimeToReplaceMs(), "issued is not replaced: the replacement is not in use yet");

            f.lifecycle("tok-1", LifecycleType.REVOKED, at(C.plusHours(2)), b -> { });
            assertEquals(at(C.plusHours(2)), last(r).getRevokedAt());
            assertEquals(2 * HOUR, last(r).getTimeToRevokeMs());

            f.use("tok-2", at(C.plusHours(3)));
            assertEquals(at(C.plusHours(3)), last(r).getReplacementFirstUsedAt());
            assertEquals(3 * HOUR, last(r).getTimeToReplaceMs());

            f.use("tok-1", at(C.plusHours(4)));
            f.use("tok-1", at(C.plusHours(5)), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED));
            IncidentTimeline last = last(r);
            assertEquals(2, last.getAttemptsAfterRevocation());
            assertEquals(IncidentTimeline.newBuilder().setTokenId("tok-1").setTenant(Fleet.TENANT)
                    .setExposedAt(at(C.minusHours(5))).setReportedAt(at(C)).setDetectedAt(at(C))
                    .setRevokedAt(at(C.plusHours(2))).setReplacedBy("tok-2").setReplacementFirstUsedAt(at(C.plusHours(3)))
                    .setAttemptsAfterRevocation(2).setTimeToDetectMs(5 * HOUR).setTimeToRevokeMs(2 * HOUR)
                    .setTimeToReplaceMs(3 * HOUR).build(), last);

            // One timeline per change, none repeated: report, replacement issued, revoked, replacement used, 2 attempts
            List<IncidentTimeline> all = r.timelines();
            assertEquals(6, all.size(), all.toString());
            for (int i = 1; i < all.size(); i++) {
                assertNotEquals(all.get(i - 1), all.get(i));
            }

            // A second use of the replacement changes nothing
            f.use("tok-2", at(C.plusHours(6)));
            assertEquals(6, r.timelines().size());
        }
    }

    /** The same incident, as the reports count it: each figure in the window of the event time it became known. */
    @Test
    void theReportsCountEachFigureInTheWindowItBecameKnown() {
        try (Fleet f = new Fleet(stateDir, Map.of("reports.grace", "PT10M"))) {
            Reports r = new Reports(f);
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> b.setExposedAt(at(C.minusHours(5))));
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(C), b -> b.setReplacesTokenId("tok-1")
                    .setScopes(List.of("repo:read")).setExpiresAt(at(C.plusDays(60))));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(C.plusHours(2)), b -> { });
            f.use("tok-2", at(C.plusHours(3)));
            f.use("tok-1", at(C.plusHours(4)));
            f.use("tok-1", at(C.plusHours(5)), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED));
            f.tick(at(C.plusDays(1).plusHours(13))); // past the end of the day of C plus the grace

            PostureReport reported = r.hourly(null, at(C));
            assertEquals(1, reported.getIncidents());
            assertEquals(5.0 * HOUR, reported.getTimeToDetectMeanMs());
            assertEquals(5 * HOUR, reported.getTimeToDetectP50Ms());
            assertEquals(5 * HOUR, reported.getTimeToDetectP95Ms());
            assertNull(reported.getTimeToRevokeMeanMs());

            PostureReport revoked = r.hourly(null, at(C.plusHours(2)));
            assertEquals(0, revoked.getIncidents());
            assertEquals(2.0 * HOUR, revoked.getTimeToRevokeMeanMs());
            assertEquals(10 * 24 * HOUR + 2 * HOUR, revoked.getLifespanP50Ms(), "tok-1 lived from T0 to its revocation");

            PostureReport replaced = r.hourly(null, at(C.plusHours(3)));
            assertEquals(3.0 * HOUR, replaced.getTimeToReplaceMeanMs());
            assertEquals(3 * HOUR, replaced.getTimeToReplaceP50Ms());

            assertEquals(1, r.hourly(null, at(C.plusHours(4))).getResidualExposure());
            assertEquals(1, r.hourly(null, at(C.plusHours(5))).getResidualExposure());

            Instant day = Instant.parse("2025-02-04T00:00:00Z");
            assertEquals(at(C), day.plus(Duration.ofHours(12)));
            PostureReport daily = r.daily(null, day);
            assertEquals(day.plus(days(1)), daily.getWindowEnd());
            assertEquals(1, daily.getIncidents());
            assertEquals(5 * HOUR, daily.getTimeToDetectP50Ms());
            assertEquals(2 * HOUR, daily.getTimeToRevokeP50Ms());
            assertEquals(3 * HOUR, daily.getTimeToReplaceP50Ms());
            assertEquals(2, daily.getResidualExposure());
            // At the day's end tok-2 is the one active token: issued C for 60 days, not yet judged (90-day observation)
            assertEquals(1, daily.getActiveTokens());
            assertEquals(0, daily.getTokensOverMaxLifetime());
            assertNull(daily.getLeastPrivilegeRatio());
            // The same figures under the owner the lifecycle events name
            assertEquals(daily.getIncidents(), r.daily("payments", day).getIncidents());
            assertEquals(daily.getResidualExposure(), r.daily("payments", day).getResidualExposure());
        }
    }

    private static IncidentTimeline last(Reports r) {
        List<IncidentTimeline> all = r.timelines();
        return all.get(all.size() - 1);
    }
}
