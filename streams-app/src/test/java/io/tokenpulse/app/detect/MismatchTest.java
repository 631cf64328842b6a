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
}
