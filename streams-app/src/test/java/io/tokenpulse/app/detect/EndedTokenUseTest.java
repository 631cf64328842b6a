package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndedTokenUseTest {
    @TempDir
    Path stateDir;

    @Test
    void aUseAtOrAfterRevocationAlertsAndCountsAsResidualExposure() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(10)).minusMillis(1));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(10)), b -> { });
            assertEquals(List.of(), f.newAlerts(AlertType.REVOKED_TOKEN_USED), "a use just before revocation is fine");
            f.use("tok-1", at(days(10)), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED));
            f.use("tok-1", at(days(10).plusMinutes(5)), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED).setCount(3));
            List<TokenAlert> alerts = f.newAlerts(AlertType.REVOKED_TOKEN_USED);
            assertEquals(1, alerts.size(), "the second use falls in the cooldown: " + alerts);
            assertEquals(at(days(10)), alerts.get(0).getEventTime());
            assertEquals(at(days(10)).toString(), alerts.get(0).getEvidence().get("revokedAt"));
            assertEquals(4L, f.state("tok-1").getActivity().getAttemptsAfterRevocation());
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRED_TOKEN_USED));
        }
    }

    @Test
    void aUseAtOrAfterExpiryAlertsEvenWithoutAnExpiredEvent() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read"), at(days(30)));
            f.use("tok-1", at(days(30)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRED_TOKEN_USED));
            f.use("tok-1", at(days(30)), b -> b.setOutcome(UsageOutcome.DENIED_EXPIRED));
            List<TokenAlert> alerts = f.newAlerts(AlertType.EXPIRED_TOKEN_USED);
            assertEquals(1, alerts.size());
            assertEquals(at(days(30)), alerts.get(0).getEventTime());
            // After the cooldown, another use alerts again with the folded count
            f.use("tok-1", at(days(30).plusMinutes(10)));
            f.use("tok-1", at(days(30).plus(Duration.ofHours(2))));
            List<TokenAlert> again = f.newAlerts(AlertType.EXPIRED_TOKEN_USED);
            assertEquals(1, again.size());
            assertEquals("1", again.get(0).getEvidence().get("foldedSincePreviousAlert"));
        }
    }

    @Test
    void aTokenRevokedBeforeItExpiredIsRevokedTokenUsedNotExpired() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read"), at(days(30)));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(20)), b -> { });
            f.use("tok-1", at(days(40)));
            List<TokenAlert> alerts = f.newAlerts();
            assertEquals(1, alerts.stream().filter(a -> a.getType() == AlertType.REVOKED_TOKEN_USED).count(), alerts.toString());
            assertEquals(0, alerts.stream().filter(a -> a.getType() == AlertType.EXPIRED_TOKEN_USED).count(), alerts.toString());
        }
    }

    @Test
    void usesOfARevokedTokenFoldWithinTheCooldownAndAreAllCounted() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            Duration r = days(10);
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(r), b -> { });
            f.use("tok-1", at(r.plusMinutes(1)), b -> b.setEventId("after-1").setOutcome(UsageOutcome.DENIED_REVOKED));
            TokenAlert first = f.one(AlertType.REVOKED_TOKEN_USED);
            assertEquals(Fleet.alertId(AlertType.REVOKED_TOKEN_USED, "tok-1", at(r.plusMinutes(1)), "after-1"), first.getAlertId());
            assertEquals(ActionType.INVESTIGATE, first.getAction());
            assertEquals("after-1", first.getEvidence().get("usageEventId"));
            assertEquals("DENIED_REVOKED", first.getEvidence().get("outcome"));
            f.use("tok-1", at(r.plusMinutes(20)), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED).setCount(5));
            f.use("tok-1", at(r.plusMinutes(61)).minusMillis(1), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED));
            assertEquals(List.of(), f.newAlerts(AlertType.REVOKED_TOKEN_USED), "within an hour of the alert: folded");
            f.use("tok-1", at(r.plusMinutes(61)), b -> b.setEventId("after-4").setOutcome(UsageOutcome.DENIED_REVOKED));
            TokenAlert second = f.one(AlertType.REVOKED_TOKEN_USED);
            assertEquals(at(r.plusMinutes(61)), second.getEventTime());
            assertEquals("2", second.getEvidence().get("foldedSincePreviousAlert"));
            assertEquals(8L, f.state("tok-1").getActivity().getAttemptsAfterRevocation(), "residual exposure counts every attempt");
        }
    }

    @Test
    void aRedeliveredUseIsNotCountedTwiceAsResidualExposure() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(10)), b -> { });
            TokenUsageEvent use = Pipeline.usage("same-use", "tok-1", at(days(11))).setCount(3)
                    .setOutcome(UsageOutcome.DENIED_REVOKED).build();
            f.usageEvent(use).usageEvent(use);
            assertEquals(1, f.newAlerts(AlertType.REVOKED_TOKEN_USED).size());
            assertEquals(3L, f.state("tok-1").getActivity().getAttemptsAfterRevocation());
        }
    }

    @Test
    void anExpiredTokenUseNamesTheExpiryAndAnEarlierExpiredEventCounts() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read"), at(days(30)));
            f.lifecycle("tok-1", LifecycleType.EXPIRED, at(days(20)), b -> { });
            f.use("tok-1", at(days(21)), b -> b.setEventId("late-use").setOutcome(UsageOutcome.DENIED_EXPIRED));
            TokenAlert a = f.one(AlertType.EXPIRED_TOKEN_USED);
            assertEquals(at(days(21)), a.getEventTime());
            assertEquals(at(days(20)).toString(), a.getEvidence().get("expiredAt"));
            assertEquals(Fleet.alertId(AlertType.EXPIRED_TOKEN_USED, "tok-1", at(days(21)), "late-use"), a.getAlertId());
            assertEquals(ActionType.INVESTIGATE, a.getAction());
            assertEquals(0L, f.state("tok-1").getActivity().getAttemptsAfterRevocation(), "not revoked: no residual exposure");
        }
    }
}
