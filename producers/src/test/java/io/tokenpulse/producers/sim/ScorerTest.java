package io.tokenpulse.producers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.Severity;
import io.tokenpulse.avro.TokenAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorerTest {
    private static final SimConfig CONFIG = new SimConfig(1, 10, 10, 1);
    private static final long T = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final long H = 3_600_000L;

    private static TokenAlert alert(String id, AlertType type, String tenant, String token, long at) {
        return TokenAlert.newBuilder().setAlertId(id).setType(type).setSeverity(Severity.MEDIUM).setTenant(tenant)
                .setTokenId(token).setEventTime(Instant.ofEpochMilli(at)).setEmittedAt(Instant.ofEpochMilli(at))
                .setSummary("s").setAction(ActionType.NONE).build();
    }

    private static GroundTruth truth() {
        return new GroundTruth(CONFIG, List.of("t01"), List.of(
                new TruthEntry(AlertType.UNUSED_TOKEN, "t01", "t1", T, "forgotten"),
                new TruthEntry(AlertType.PRINCIPAL_MISMATCH, "t01", "t2", T, "principal-mix"),
                new TruthEntry(AlertType.PRINCIPAL_MISMATCH, "t01", "t2", T + 2 * H, "principal-mix"),
                new TruthEntry(AlertType.RETIRED_VERSION_TOKEN, "t01", "t3", T, "retired-left")),
                List.of(new IncidentTruth("t01", "t9", T - H, T, T, T + H, "t9-n", T + 3 * H, H, H, 3 * H),
                        new IncidentTruth("t01", "t8", null, T, T, T + 2 * H, null, null, null, 2 * H, null)));
    }

    private static List<TokenAlert> alerts() {
        long after = CONFIG.truthUntilMs() + H;
        return List.of(
                alert("a1", AlertType.UNUSED_TOKEN, "t01", "t1", T),
                alert("a1", AlertType.UNUSED_TOKEN, "t01", "t1", T),                  // a duplicate id
                alert("a2", AlertType.PRINCIPAL_MISMATCH, "t01", "t2", T),
                alert("a3", AlertType.PRINCIPAL_MISMATCH, "t01", "t2", T + 5 * H),
                alert("a4", AlertType.RETIRED_VERSION_TOKEN, "t01", "t3", T + 13 * H),
                alert("a5", AlertType.OVER_PRIVILEGED, "t01", "t4", T),               // false positive
                alert("a6", AlertType.UNUSED_TOKEN, "t01", "t5", after),              // after the window: not scored
                alert("a7", AlertType.UNUSED_TOKEN, "other", "t1", T));               // another tenant: ignored
    }

    @Test
    void matchesByTypeAndTokenWithinTheTolerance() {
        Score s = new Scorer(Duration.ofHours(24)).score(truth(), alerts(), Map.of());

        Score.TypeScore unused = s.type(AlertType.UNUSED_TOKEN);
        assertEquals(List.of(1, 1, 1), List.of(unused.truth(), unused.alerted(), unused.truePositives()));
        assertEquals(1.0, unused.precision());
        assertEquals(1.0, unused.recall());
        Score.TypeScore mismatch = s.type(AlertType.PRINCIPAL_MISMATCH);
        assertEquals(List.of(2, 2, 2), List.of(mismatch.truth(), mismatch.alerted(), mismatch.truePositives()));
        assertEquals(3 * H, mismatch.offset().p95(), "T+5h matched the T+2h entry");
        Score.TypeScore retired = s.type(AlertType.RETIRED_VERSION_TOKEN);
        assertEquals(1, retired.truePositives());
        assertEquals(13 * H, retired.offset().p50());
        Score.TypeScore over = s.type(AlertType.OVER_PRIVILEGED);
        assertEquals(List.of(0, 1, 0), List.of(over.truth(), over.alerted(), over.truePositives()));
        assertEquals(0.0, over.precision());
        assertNull(over.recall(), "no truth: recall undefined");
        assertNull(s.type(AlertType.SCOPE_CREEP).precision(), "no alerts: precision undefined");
        assertEquals(1, s.alertsOutsideWindow());
        assertEquals(1, s.duplicateAlerts());
        assertTrue(s.examples().stream().anyMatch(e -> e.startsWith("unexpected OVER_PRIVILEGED t4")), s.examples().toString());
    }

    @Test
    void aTighterToleranceTurnsLateAlertsIntoMissesAndFalsePositives() {
        Score s = new Scorer(Duration.ofHours(1)).score(truth(), alerts(), Map.of());

        Score.TypeScore mismatch = s.type(AlertType.PRINCIPAL_MISMATCH);
        assertEquals(List.of(2, 2, 1), List.of(mismatch.truth(), mismatch.alerted(), mismatch.truePositives()));
        assertEquals(0.5, mismatch.precision());
        assertEquals(0.5, mismatch.recall());
        Score.TypeScore retired = s.type(AlertType.RETIRED_VERSION_TOKEN);
        assertEquals(0.0, retired.recall());
        assertEquals(0.0, retired.precision());
    }

    @Test
    void aMissedFirstOccurrenceIsReportedAsThatOccurrenceNotTheLastOne() {
        GroundTruth truth = new GroundTruth(CONFIG, List.of("t01"), List.of(
                new TruthEntry(AlertType.REVOKED_TOKEN_USED, "t01", "t7", T, "stale-revoked"),
                new TruthEntry(AlertType.REVOKED_TOKEN_USED, "t01", "t7", T + 2 * H, "stale-revoked"),
                new TruthEntry(AlertType.REVOKED_TOKEN_USED, "t01", "t7", T + 4 * H, "stale-revoked")), List.of());
        List<TokenAlert> alerts = List.of(alert("b1", AlertType.REVOKED_TOKEN_USED, "t01", "t7", T + 2 * H),
                alert("b2", AlertType.REVOKED_TOKEN_USED, "t01", "t7", T + 4 * H));

        Score s = new Scorer(Duration.ofHours(24)).score(truth, alerts, Map.of());

        Score.TypeScore revoked = s.type(AlertType.REVOKED_TOKEN_USED);
        assertEquals(List.of(3, 2, 2), List.of(revoked.truth(), revoked.alerted(), revoked.truePositives()));
        assertEquals(List.of("missed REVOKED_TOKEN_USED t7 at 2026-01-05T00:00:00Z (stale-revoked)"), s.examples());
        assertEquals(0L, revoked.offset().p95(), "both alerts matched their own occurrence exactly");
    }

    @Test
    void comparesTrueAndMeasuredIncidentMetrics() {
        IncidentTimeline measured = IncidentTimeline.newBuilder().setTokenId("t9").setTenant("t01")
                .setDetectedAt(Instant.ofEpochMilli(T)).setTimeToDetectMs(2 * H).setTimeToRevokeMs(H).build();
        Score s = new Scorer(Duration.ofHours(24)).score(truth(), List.of(), Map.of("t9", measured));

        assertEquals(2, s.incidentsTrue());
        assertEquals(1, s.incidentsMeasured());
        Score.MetricScore detect = s.metrics().get(0);
        assertEquals("timeToDetect", detect.metric());
        assertEquals(1, detect.truth().n(), "undefined without exposedAt");
        assertEquals(H, detect.truth().p50());
        assertEquals(2 * H, detect.measured().p50());
        Score.MetricScore revoke = s.metrics().get(1);
        assertEquals(2, revoke.truth().n());
        assertEquals(1.5 * H, revoke.truth().mean());
        assertEquals(2 * H, revoke.truth().p95());
        assertEquals(0, s.metrics().get(2).measured().n());
        assertTrue(ScoreReport.table(s).contains("timeToDetect"));
        assertTrue(ScoreReport.json(s).contains("\"incidents\":{\"truth\":2,\"measured\":1}"));
    }
}
