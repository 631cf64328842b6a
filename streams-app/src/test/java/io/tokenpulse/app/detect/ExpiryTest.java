package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EXPIRY_POLICY_VIOLATION and EXPIRING_UNREPLACED. */
class ExpiryTest {
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
}
