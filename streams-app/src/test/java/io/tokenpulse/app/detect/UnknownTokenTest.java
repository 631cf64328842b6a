package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
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
}
