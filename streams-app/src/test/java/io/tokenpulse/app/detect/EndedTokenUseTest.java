package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
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
}
