package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.UsageOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScopeProbingTest {
    @TempDir
    Path stateDir;

    @Test
    void tenDeniedScopesWithinAMinuteAlertOnceAndLaterOnesFoldIntoTheNextAlert() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            Duration base = Duration.ofDays(1);
            for (int i = 0; i < 9; i++) {
                f.denied("tok-1", at(base.plusSeconds(i * 6)), "admin:" + i, 1);
            }
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING), "nine attempts: below the threshold");
            f.denied("tok-1", at(base.plusSeconds(59)), "admin:9", 1);
            List<TokenAlert> first = f.newAlerts(AlertType.SCOPE_PROBING);
            assertEquals(1, first.size());
            assertEquals("10", first.get(0).getEvidence().get("attempts"));
            assertEquals(at(base.plusSeconds(59)), first.get(0).getEventTime());

            // Within the hour's cooldown: folded, no new alert
            f.denied("tok-1", at(base.plusMinutes(10)), "admin:x", 20);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING));
            // After the cooldown: a new alert that counts what was folded
            f.denied("tok-1", at(base.plusMinutes(70)), "admin:y", 12);
            List<TokenAlert> second = f.newAlerts(AlertType.SCOPE_PROBING);
            assertEquals(1, second.size());
            assertEquals("1", second.get(0).getEvidence().get("foldedSincePreviousAlert"));
        }
    }

    @Test
    void attemptsSpreadWiderThanTheWindowDoNotCount() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            for (int i = 0; i < 12; i++) {
                f.denied("tok-1", at(Duration.ofDays(1).plusSeconds(i * 61L)), "admin", 1);
            }
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING));
        }
    }

    @Test
    void aGatewaysPreAggregatedCountCounts() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.denied("tok-1", at(Duration.ofDays(1)), "admin", 10);
            assertEquals(1, f.newAlerts(AlertType.SCOPE_PROBING).size());
        }
    }

    @Test
    void theAlertNamesTheProbedScopesAndAsksForAnInvestigation() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            Duration base = Duration.ofDays(2);
            f.denied("tok-1", at(base), "s3:DeleteBucket", 4);
            f.denied("tok-1", at(base.plusSeconds(30)), "iam:CreateUser", 5);
            // an allowed use and another kind of denial are not probing
            f.use("tok-1", at(base.plusSeconds(40)), b -> b.setScope("repo:read").setCount(50));
            f.use("tok-1", at(base.plusSeconds(41)), b -> b.setOutcome(UsageOutcome.DENIED_OTHER).setCount(50));
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING), "nine DENIED_SCOPE attempts");
            f.use("tok-1", at(base.plusSeconds(60)), b -> b.setEventId("probe-10").setScope("iam:PassRole")
                    .setOutcome(UsageOutcome.DENIED_SCOPE));
            TokenAlert a = f.one(AlertType.SCOPE_PROBING);
            assertEquals(at(base.plusSeconds(60)), a.getEventTime(), "the first attempt is exactly one window earlier: within it");
            assertEquals(Fleet.alertId(AlertType.SCOPE_PROBING, "tok-1", at(base.plusSeconds(60)), "probe-10"), a.getAlertId());
            assertEquals("10", a.getEvidence().get("attempts"));
            assertEquals("iam:CreateUser,iam:PassRole,s3:DeleteBucket", a.getEvidence().get("probedScopes"));
            assertEquals("probe-10", a.getEvidence().get("usageEventId"));
            assertEquals(ActionType.INVESTIGATE, a.getAction());
        }
    }
}
