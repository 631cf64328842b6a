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

/** EXPIRING_UNREPLACED: active, expiring within expiryWarning, and no issued token replaces it (a state condition). */
class ExpiringUnreplacedTest {
    @TempDir
    Path stateDir;

    @Test
    void aTokenExpiringWithinSevenDaysWithoutAReplacementAlertsAtTheWarningTime() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(60)));
            f.tick(at(days(53)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRING_UNREPLACED));
            f.tick(at(days(54)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.EXPIRING_UNREPLACED);
            assertEquals(1, alerts.size());
            assertEquals(at(days(53)), alerts.get(0).getEventTime());
            assertEquals(at(days(60)).toString(), alerts.get(0).getEvidence().get("expiresAt"));
        }
    }

    @Test
    void theAlertAsksToRotateAndDoesNotRepeatUntilExpiry() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(60)));
            f.tick(at(days(53)));
            TokenAlert a = f.one(AlertType.EXPIRING_UNREPLACED);
            assertEquals(Fleet.alertId(AlertType.EXPIRING_UNREPLACED, "tok-1", at(days(53)), null), a.getAlertId());
            assertEquals("PT168H", a.getEvidence().get("expiryWarning"));
            assertEquals(ActionType.ROTATE, f.actionOf(a).getAction());
            f.tick(at(days(59)));
            f.tick(at(days(70)));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRING_UNREPLACED), "persists, then the token expired");
        }
    }

    @Test
    void aReplacementIssuedInTimePreventsTheWarningAndARenewalRearmsIt() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(60)));
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(days(40)), b -> b.setScopes(List.of("a"))
                    .setReplacesTokenId("tok-1").setExpiresAt(at(days(100))));
            f.tick(at(days(59)));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRING_UNREPLACED));

            f.issue("tok-3", T0, List.of("a"), at(days(60)));
            f.tick(at(days(54)));
            assertEquals(1, f.newAlerts(AlertType.EXPIRING_UNREPLACED).size());
            f.lifecycle("tok-3", LifecycleType.RENEWED, at(days(55)), b -> b.setExpiresAt(at(days(80))));
            f.tick(at(days(74)));
            List<TokenAlert> again = f.newAlerts(AlertType.EXPIRING_UNREPLACED);
            assertEquals(1, again.size(), "renewed (cleared), then within the warning again");
            assertEquals(at(days(73)), again.get(0).getEventTime());
        }
    }

    @Test
    void anIssuedReplacementAfterTheWarningClearsItForGood() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(60)));
            f.tick(at(days(54)));
            assertEquals(1, f.newAlerts(AlertType.EXPIRING_UNREPLACED).size());
            // ISSUED with replacesTokenId replaces as ROTATED does
            f.lifecycle("tok-2", LifecycleType.ISSUED, at(days(55)), b -> b.setScopes(List.of("a"))
                    .setReplacesTokenId("tok-1").setExpiresAt(at(days(100))));
            f.tick(at(days(59)));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRING_UNREPLACED));
            assertEquals(null, f.state("tok-1").getActivity().getOpenConditions().get("EXPIRING_UNREPLACED"), "cleared");
        }
    }

    @Test
    void aTokenWithoutExpiryOrWithMoreThanTheWarningLeftIsNotExpiring() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("forever", T0, List.of("a"), null);
            f.issue("later", T0, List.of("a"), at(days(60)));
            f.tick(at(days(53)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRING_UNREPLACED));
        }
    }

    @Test
    void aWarningDueAfterAnotherDeadlineInTheSameJumpOfStreamTimeStillFiresBeforeTheNextRecord() {
        try (Fleet f = new Fleet(stateDir)) {
            // Deadlines at day 90 (unused) and day 93 (expiry warning); the next record is a renewal at day 95
            f.issue("tok-1", T0, List.of("a"), at(days(100)));
            f.newAlerts();
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(95)), b -> b.setExpiresAt(at(days(180))));
            List<TokenAlert> alerts = f.newAlerts();
            assertEquals(List.of("UNUSED_TOKEN " + at(days(90)), "EXPIRING_UNREPLACED " + at(days(93))),
                    alerts.stream().filter(a -> a.getType() != AlertType.EXPIRY_POLICY_VIOLATION)
                            .map(a -> a.getType() + " " + a.getEventTime()).toList(),
                    "every deadline up to the record's time fires before it is applied");
        }
    }
}
