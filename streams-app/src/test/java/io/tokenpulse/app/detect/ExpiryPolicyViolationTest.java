package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EXPIRY_POLICY_VIOLATION: issued without expiry, or living longer than maxLifetime (a state condition). */
class ExpiryPolicyViolationTest {
    @TempDir
    Path stateDir;

    @Test
    void noExpiryOrALifetimeAboveTheMaximumViolatesThePolicyButNinetyDaysExactlyDoesNot() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("forever", T0, List.of("a"), null);
            f.issue("long", T0, List.of("a"), at(days(91)));
            f.issue("ok", T0, List.of("a"), at(days(90)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION);
            assertEquals(List.of("forever", "long"), alerts.stream().map(TokenAlert::getTokenId).sorted().toList());
            assertEquals("never", alerts.stream().filter(a -> a.getTokenId().equals("forever")).findFirst().orElseThrow()
                    .getEvidence().get("expiresAt"));
            assertEquals(T0, alerts.get(0).getEventTime());
        }
    }

    @Test
    void theAlertIsDatedAtTheIssueAndAsksToRotate() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(91)));
            TokenAlert a = f.one(AlertType.EXPIRY_POLICY_VIOLATION);
            assertEquals(T0, a.getEventTime());
            assertEquals(Fleet.alertId(AlertType.EXPIRY_POLICY_VIOLATION, "tok-1", T0, null), a.getAlertId());
            assertEquals(T0.toString(), a.getEvidence().get("issuedAt"));
            assertEquals(at(days(91)).toString(), a.getEvidence().get("expiresAt"));
            assertEquals("PT2160H", a.getEvidence().get("maxLifetime"));
            assertEquals(ActionType.ROTATE, f.actionOf(a).getAction());
            f.tick(at(days(60)));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION), "persists: no repeat");
        }
    }

    @Test
    void aRenewalPastTheMaximumCountsAndTheEpisodeDoesNotRepeat() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(30)));
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(20)), b -> b.setExpiresAt(at(days(60))));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION));
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(50)), b -> b.setExpiresAt(at(days(120))));
            List<TokenAlert> alerts = f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION);
            assertEquals(1, alerts.size());
            assertEquals(at(days(50)), alerts.get(0).getEventTime());
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(55)), b -> b.setExpiresAt(at(days(130))));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION), "still violating: same episode");
        }
    }

    @Test
    void aRenewalBackWithinTheMaximumClearsItAndAnotherPastItAlertsAgain() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(120)));
            assertEquals(T0, f.one(AlertType.EXPIRY_POLICY_VIOLATION).getEventTime());
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(10)), b -> b.setExpiresAt(at(days(80))));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION));
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(20)), b -> b.setExpiresAt(null));
            TokenAlert again = f.one(AlertType.EXPIRY_POLICY_VIOLATION);
            assertEquals(at(days(20)), again.getEventTime());
            assertEquals("never", again.getEvidence().get("expiresAt"));
        }
    }

    @Test
    void anEndedTokenIsNotJudged() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(30)));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(10)), b -> { });
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(11)), b -> b.setExpiresAt(at(days(300))));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION));
        }
    }
}
