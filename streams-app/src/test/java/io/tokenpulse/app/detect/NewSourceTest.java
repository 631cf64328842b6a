package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewSourceTest {
    @TempDir
    Path stateDir;

    @Test
    void afterTheLearningPeriodANewNetworkAlertsButAnotherHostOfAKnownNetworkDoesNot() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)), b -> b.setSourceIp("10.0.0.1"));
            f.use("tok-1", at(days(6)), b -> b.setSourceIp("192.0.2.10"));
            assertEquals(List.of(), f.newAlerts(AlertType.NEW_SOURCE), "still learning: seven days of history not reached");
            f.use("tok-1", at(days(8)), b -> b.setSourceIp("192.0.2.200"));
            assertEquals(List.of(), f.newAlerts(AlertType.NEW_SOURCE), "192.0.2.0/24 was learned");
            f.use("tok-1", at(days(9)), b -> b.setSourceIp("203.0.113.5"));
            List<TokenAlert> alerts = f.newAlerts(AlertType.NEW_SOURCE);
            assertEquals(1, alerts.size());
            assertEquals("203.0.113.0/24", alerts.get(0).getEvidence().get("newNetwork"));
            assertEquals("2", alerts.get(0).getEvidence().get("knownNetworks"));
            assertEquals(at(days(9)), alerts.get(0).getEventTime());
        }
    }

    @Test
    void aNewUserAgentAndIpv6NetworksAreSourcesToo() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)), b -> b.setSourceIp("2001:db8:1:2::5"));
            f.use("tok-1", at(days(8)), b -> b.setSourceIp("2001:db8:1:2::99"));
            assertEquals(List.of(), f.newAlerts(AlertType.NEW_SOURCE), "same /64");
            f.use("tok-1", at(days(8).plusHours(2)), b -> b.setSourceIp("2001:db8:1:2::99").setUserAgent("python-requests/2.31"));
            List<TokenAlert> alerts = f.newAlerts(AlertType.NEW_SOURCE);
            assertEquals(1, alerts.size());
            assertEquals("python-requests/2.31", alerts.get(0).getEvidence().get("newUserAgent"));
        }
    }

    @Test
    void learningEndsExactlySevenDaysAfterTheFirstEvent() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(7)).minusMillis(1), b -> b.setSourceIp("198.51.100.7"));
            assertEquals(List.of(), f.newAlerts(AlertType.NEW_SOURCE), "learned, not judged");
            f.use("tok-1", at(days(7)), b -> b.setEventId("first-judged").setSourceIp("203.0.113.9"));
            TokenAlert a = f.one(AlertType.NEW_SOURCE);
            assertEquals(at(days(7)), a.getEventTime());
            assertEquals(Fleet.alertId(AlertType.NEW_SOURCE, "tok-1", at(days(7)), "first-judged"), a.getAlertId());
            assertEquals("203.0.113.9", a.getEvidence().get("sourceIp"));
            assertEquals("203.0.113.0/24", a.getEvidence().get("newNetwork"));
            assertEquals(ActionType.INVESTIGATE, a.getAction());
        }
    }

    @Test
    void furtherNewSourcesWithinTheCooldownFoldIntoTheNextAlert() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)));
            Duration d = days(10);
            f.use("tok-1", at(d), b -> b.setSourceIp("203.0.113.1"));
            assertEquals(1, f.newAlerts(AlertType.NEW_SOURCE).size());
            f.use("tok-1", at(d.plusMinutes(5)), b -> b.setSourceIp("198.51.100.1"));
            f.use("tok-1", at(d.plusMinutes(6)), b -> b.setUserAgent("curl/8.5"));
            f.use("tok-1", at(d.plusMinutes(7)), b -> b.setSourceIp("203.0.113.77"));
            assertEquals(List.of(), f.newAlerts(AlertType.NEW_SOURCE), "two new sources folded; one known network");
            f.use("tok-1", at(d.plusMinutes(90)), b -> b.setSourceIp("192.0.2.1"));
            TokenAlert again = f.one(AlertType.NEW_SOURCE);
            assertEquals("2", again.getEvidence().get("foldedSincePreviousAlert"));
            assertEquals("3", again.getEvidence().get("knownNetworks"));
            f.use("tok-1", at(d.plusHours(5)), b -> b.setSourceIp("198.51.100.200"));
            assertEquals(List.of(), f.newAlerts(AlertType.NEW_SOURCE), "sources learned while folded stay known");
        }
    }
}
