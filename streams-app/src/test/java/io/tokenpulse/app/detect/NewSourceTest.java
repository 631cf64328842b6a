package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
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
}
