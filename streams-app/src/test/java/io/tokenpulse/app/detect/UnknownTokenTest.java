package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenUsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnknownTokenTest {
    private static final Duration D = days(5);

    @TempDir
    Path stateDir;

    @Test
    void aUseOfATokenStillUnknownFiveMinutesLaterAlerts() {
        try (Fleet f = new Fleet(stateDir)) {
            f.use("ghost", at(D));
            f.tick(at(D.plusMinutes(5)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.UNKNOWN_TOKEN_USED), "still within the grace");
            f.use("ghost", at(D.plusMinutes(4)));
            f.tick(at(D.plusMinutes(6)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.UNKNOWN_TOKEN_USED);
            assertEquals(1, alerts.size());
            assertEquals(at(D.plusMinutes(5)), alerts.get(0).getEventTime());
            assertEquals("2", alerts.get(0).getEvidence().get("uses"));
        }
    }

    @Test
    void aUseThatArrivesJustBeforeItsIssuedEventRaisesNothing() {
        try (Fleet f = new Fleet(stateDir)) {
            f.use("tok-1", at(D));
            f.issue("tok-1", at(D).minusSeconds(1));
            f.tick(at(D.plusMinutes(30)));
            assertEquals(List.of(), f.newAlerts(AlertType.UNKNOWN_TOKEN_USED));
        }
    }

    @Test
    void withDiscoverUnknownATokenFirstSeenInUseBecomesKnownAndIsJudgedFromItsFirstUse() {
        try (Fleet f = new Fleet(stateDir)) {
            f.policy(b -> b.setDiscoverUnknown(true).setUnusedAfterMs(days(30).toMillis()));
            f.use("AKIAIOSFODNN7EXAMPLE", at(D));
            f.tick(at(D.plusMinutes(10)));
            assertEquals(List.of(), f.newAlerts(AlertType.UNKNOWN_TOKEN_USED));
            assertNotNull(f.state("AKIAIOSFODNN7EXAMPLE").getActivity().getDiscoveredAt());
            f.tick(at(D.plus(days(31))));
            List<TokenAlert> unused = f.newAlerts(AlertType.UNUSED_TOKEN);
            assertEquals(1, unused.size(), "judged like an issued token from its first use");
            assertEquals(at(D.plus(days(30))), unused.get(0).getEventTime());
        }
    }

    @Test
    void theAlertIsDatedAtTheEndOfTheGraceAndNamedByTheFirstUse() {
        try (Fleet f = new Fleet(stateDir)) {
            TokenUsageEvent use = Pipeline.usage("ghost-use", "ghost", at(D)).setCount(3).build();
            f.usageEvent(use).usageEvent(use); // a redelivery is not another use
            f.tick(at(D.plusMinutes(5)));
            TokenAlert a = f.one(AlertType.UNKNOWN_TOKEN_USED);
            assertEquals(at(D.plusMinutes(5)), a.getEventTime(), "the grace is inclusive at its end");
            assertEquals(Fleet.alertId(AlertType.UNKNOWN_TOKEN_USED, "ghost", at(D.plusMinutes(5)),
                    Long.toString(at(D).toEpochMilli())), a.getAlertId());
            assertEquals("3", a.getEvidence().get("uses"));
            assertEquals(at(D).toString(), a.getEvidence().get("firstUseAt"));
            assertEquals(ActionType.INVESTIGATE, a.getAction());
            assertEquals("acme", a.getTenant());
        }
    }

    @Test
    void anIssuedEventLaterThanTheGraceDoesNotSaveIt() {
        try (Fleet f = new Fleet(stateDir)) {
            f.use("tok-1", at(D));
            f.issue("tok-1", at(D.plusMinutes(6)));
            assertEquals(at(D.plusMinutes(5)), f.one(AlertType.UNKNOWN_TOKEN_USED).getEventTime(),
                    "the deadline fires before the later record is applied");
        }
    }

    @Test
    void laterUsesOfAStillUnknownTokenFoldWithinTheCooldown() {
        try (Fleet f = new Fleet(stateDir)) {
            f.use("ghost", at(D));
            f.tick(at(D.plusMinutes(5)));
            assertEquals(1, f.newAlerts(AlertType.UNKNOWN_TOKEN_USED).size());
            f.use("ghost", at(D.plusMinutes(10)));
            f.tick(at(D.plusMinutes(20)));
            assertEquals(List.of(), f.newAlerts(AlertType.UNKNOWN_TOKEN_USED), "within an hour of the alert: folded");
            f.use("ghost", at(D.plusHours(2)));
            f.tick(at(D.plusHours(3)));
            TokenAlert again = f.one(AlertType.UNKNOWN_TOKEN_USED);
            assertEquals(at(D.plusHours(2).plusMinutes(5)), again.getEventTime());
            assertEquals("1", again.getEvidence().get("foldedSincePreviousAlert"));
            assertEquals("1", again.getEvidence().get("uses"));
        }
    }

    @Test
    void withoutDiscoverUnknownAnotherTenantsPolicyDoesNotApply() {
        try (Fleet f = new Fleet(stateDir)) {
            f.p.send(f.p.topics.policies(), "other", io.tokenpulse.avro.TokenPolicy.newBuilder().setTenant("other")
                    .setDiscoverUnknown(true).build());
            f.use("ghost", at(D));
            f.tick(at(D.plusMinutes(6)));
            assertEquals(1, f.newAlerts(AlertType.UNKNOWN_TOKEN_USED).size());
        }
    }

    @Test
    void aUseShortlyBeforeTheTokensIssueInEventTimeRaisesNothing() {
        try (Fleet f = new Fleet(stateDir)) {
            f.use("tok-1", at(D));
            f.issue("tok-1", at(D.plusMinutes(4)));
            f.tick(at(D.plusHours(1)));
            assertEquals(List.of(), f.newAlerts(AlertType.UNKNOWN_TOKEN_USED));
        }
    }
}
