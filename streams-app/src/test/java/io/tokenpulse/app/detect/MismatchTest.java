package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MismatchTest {
    @TempDir
    Path stateDir;

    @Test
    void aUseByAnotherPrincipalAlertsWithExpectedAndSeen() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)));
            f.use("tok-1", at(days(1)), b -> b.setPrincipal(null));
            assertEquals(List.of(), f.newAlerts(AlertType.PRINCIPAL_MISMATCH), "same principal, or none seen: fine");
            f.use("tok-1", at(days(2)), b -> b.setPrincipal("intruder"));
            List<TokenAlert> alerts = f.newAlerts(AlertType.PRINCIPAL_MISMATCH);
            assertEquals(1, alerts.size());
            assertEquals("checkout", alerts.get(0).getEvidence().get("expectedPrincipal"));
            assertEquals("intruder", alerts.get(0).getEvidence().get("seenPrincipal"));
            assertEquals(List.of(), f.newAlerts(AlertType.VERSION_MISMATCH), "another principal is not a version mismatch");
        }
    }

    @Test
    void aUseByTheRightPrincipalAtAnotherVersionAlerts() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)), b -> b.setServiceVersion(null));
            assertEquals(List.of(), f.newAlerts(AlertType.VERSION_MISMATCH));
            f.use("tok-1", at(days(2)), b -> b.setServiceVersion("1.3.9"));
            List<TokenAlert> alerts = f.newAlerts(AlertType.VERSION_MISMATCH);
            assertEquals(1, alerts.size());
            assertEquals("1.4.2", alerts.get(0).getEvidence().get("expectedVersion"));
            assertEquals("1.3.9", alerts.get(0).getEvidence().get("seenVersion"));
        }
    }

    @Test
    void aPrincipalMismatchIsTheConditionsOwnAlertAndRepeatsFoldWithinTheCooldown() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            java.time.Duration d = days(3);
            f.use("tok-1", at(d), b -> b.setEventId("m-1").setPrincipal("intruder"));
            TokenAlert a = f.one(AlertType.PRINCIPAL_MISMATCH);
            assertEquals(at(d), a.getEventTime());
            assertEquals(Fleet.alertId(AlertType.PRINCIPAL_MISMATCH, "tok-1", at(d), "m-1"), a.getAlertId());
            assertEquals(ActionType.INVESTIGATE, a.getAction());
            assertEquals("checkout", a.getPrincipal(), "the alert names the token's principal");
            f.use("tok-1", at(d.plusMinutes(30)), b -> b.setPrincipal("intruder"));
            f.use("tok-1", at(d.plusMinutes(40)), b -> b.setPrincipal("someone-else"));
            assertEquals(List.of(), f.newAlerts(AlertType.PRINCIPAL_MISMATCH));
            f.use("tok-1", at(d.plusMinutes(60)), b -> b.setPrincipal("intruder"));
            assertEquals("2", f.one(AlertType.PRINCIPAL_MISMATCH).getEvidence().get("foldedSincePreviousAlert"));
        }
    }

    @Test
    void aVersionMismatchIsTheConditionsOwnAlertAndRepeatsFoldWithinTheCooldown() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            java.time.Duration d = days(3);
            f.use("tok-1", at(d), b -> b.setEventId("v-1").setServiceVersion("2.0.0"));
            TokenAlert a = f.one(AlertType.VERSION_MISMATCH);
            assertEquals(Fleet.alertId(AlertType.VERSION_MISMATCH, "tok-1", at(d), "v-1"), a.getAlertId());
            assertEquals(ActionType.INVESTIGATE, a.getAction());
            f.use("tok-1", at(d.plusMinutes(59)), b -> b.setServiceVersion("2.0.0"));
            assertEquals(List.of(), f.newAlerts(AlertType.VERSION_MISMATCH));
            f.use("tok-1", at(d.plusMinutes(120)), b -> b.setServiceVersion("2.0.1"));
            assertEquals("1", f.one(AlertType.VERSION_MISMATCH).getEvidence().get("foldedSincePreviousAlert"));
        }
    }

    @Test
    void aTokenWithoutPrincipalOrVersionIsNeverMismatched() {
        try (Fleet f = new Fleet(stateDir)) {
            f.lifecycle("tok-1", io.tokenpulse.avro.LifecycleType.ISSUED, T0, b -> b.setPrincipal(null).setServiceVersion(null)
                    .setScopes(List.of("a")).setExpiresAt(at(days(60))));
            f.use("tok-1", at(days(1)), b -> b.setPrincipal("anyone").setServiceVersion("9"));
            List<TokenAlert> alerts = f.newAlerts();
            assertEquals(List.of(), alerts.stream().filter(x -> x.getType() == AlertType.PRINCIPAL_MISMATCH
                    || x.getType() == AlertType.VERSION_MISMATCH).toList());
        }
    }
}
