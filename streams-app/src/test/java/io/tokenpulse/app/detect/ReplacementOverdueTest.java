package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.Severity;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplacementOverdueTest {
    private static final Duration C = days(10);

    @TempDir
    Path stateDir;

    @Test
    void aCompromisedTokenNotRevokedAndReplacedWithinTheSlaAlertsOnce() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> b.setExposedAt(at(C.minusHours(5))));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(C.plusHours(2)), b -> { });
            f.tick(at(C.plusHours(24)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.REPLACEMENT_OVERDUE));
            f.tick(at(C.plusHours(30)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.REPLACEMENT_OVERDUE);
            assertEquals(1, alerts.size());
            assertEquals(at(C.plusHours(24)), alerts.get(0).getEventTime());
            assertEquals(Severity.CRITICAL, alerts.get(0).getSeverity());
            assertEquals("true", alerts.get(0).getEvidence().get("revoked"));
            assertEquals("none", alerts.get(0).getEvidence().get("replacedBy"));
        }
    }

    @Test
    void revokedAndReplacedWithinTheSlaRaisesNothing() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> { });
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(C.plusHours(1)), b -> b.setScopes(List.of("repo:read"))
                    .setReplacesTokenId("tok-1").setExpiresAt(at(days(60))));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(C.plusHours(3)), b -> { });
            f.tick(at(C.plusHours(48)));
            assertEquals(List.of(), f.newAlerts(AlertType.REPLACEMENT_OVERDUE));
        }
    }

    @Test
    void anEarlierCompromiseSignalMovesDetectionAndSoTheDeadline() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            // A principal mismatch 6 hours before the report, after exposure began: detection starts there
            f.use("tok-1", at(C.minusHours(6)), b -> b.setPrincipal("intruder"));
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> b.setExposedAt(at(C.minusHours(8))));
            assertEquals(at(C.minusHours(6)).toEpochMilli(), f.state("tok-1").getActivity().getDetectedAt());
            f.tick(at(C.plusHours(19)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.REPLACEMENT_OVERDUE);
            assertEquals(1, alerts.size());
            assertEquals(at(C.plusHours(18)), alerts.get(0).getEventTime());
        }
    }

    @Test
    void theAlertAsksToRotateAndClearsOnceTheTokenIsRevokedAndReplaced() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> b.setReason("found in a public repository"));
            f.tick(at(C.plusHours(24)));
            TokenAlert a = f.one(AlertType.REPLACEMENT_OVERDUE);
            assertEquals(at(C.plusHours(24)), a.getEventTime());
            assertEquals(Fleet.alertId(AlertType.REPLACEMENT_OVERDUE, "tok-1", at(C.plusHours(24)), null), a.getAlertId());
            assertEquals(at(C).toString(), a.getEvidence().get("detectedAt"));
            assertEquals("false", a.getEvidence().get("revoked"));
            assertEquals("PT24H", a.getEvidence().get("replacementSla"));
            assertEquals(ActionType.ROTATE, f.actionOf(a).getAction());
            f.tick(at(C.plusHours(30)));
            assertEquals(List.of(), f.newAlerts(AlertType.REPLACEMENT_OVERDUE), "persists: no repeat");

            f.lifecycle("tok-1", LifecycleType.REVOKED, at(C.plusHours(31)), b -> { });
            assertEquals("REPLACEMENT_OVERDUE", f.state("tok-1").getActivity().getOpenConditions().keySet().iterator().next(),
                    "revoked but not replaced: still overdue");
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(C.plusHours(32)), b -> b.setScopes(List.of("repo:read"))
                    .setReplacesTokenId("tok-1").setExpiresAt(at(days(60))));
            f.tick(at(C.plusHours(40)));
            assertEquals(List.of(), f.newAlerts(AlertType.REPLACEMENT_OVERDUE));
            assertEquals(java.util.Map.of(), f.state("tok-1").getActivity().getOpenConditions(), "cleared");
        }
    }

    @Test
    void aReplacementAloneIsNotEnoughWithoutRevocation() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> { });
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(C.plusHours(1)), b -> b.setScopes(List.of("repo:read"))
                    .setReplacesTokenId("tok-1").setExpiresAt(at(days(60))));
            f.tick(at(C.plusHours(25)));
            TokenAlert a = f.one(AlertType.REPLACEMENT_OVERDUE);
            assertEquals("false", a.getEvidence().get("revoked"));
            assertEquals("tok-2", a.getEvidence().get("replacedBy"));
        }
    }

    @Test
    void theReplacementsFirstAllowedUseTravelsBackToTheReplacedToken() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.COMPROMISED, at(C), b -> { });
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(C.plusHours(1)), b -> b.setScopes(List.of("repo:read"))
                    .setReplacesTokenId("tok-1").setExpiresAt(at(days(60))));
            f.use("tok-2", at(C.plusHours(2)), b -> b.setOutcome(io.tokenpulse.avro.UsageOutcome.DENIED_OTHER));
            f.use("tok-2", at(C.plusHours(3)));
            f.use("tok-2", at(C.plusHours(4)));
            assertEquals("tok-2", f.state("tok-1").getActivity().getReplacedBy());
            assertEquals(at(C.plusHours(3)).toEpochMilli(), f.state("tok-1").getActivity().getReplacementFirstUsedAt(),
                    "adopted at its first ALLOWED use");
        }
    }
}
