package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetiredVersionTest {
    @TempDir
    Path stateDir;

    @Test
    void retiringAVersionFlagsEveryActiveTokenBoundToItOnce() {
        try (Fleet f = new Fleet(stateDir)) {
            // tok-1 and tok-2 are bound to checkout 1.4.2 (Pipeline's defaults); tok-3 to another version; tok-4 ended
            f.issue("tok-1", T0).issue("tok-2", T0);
            f.lifecycle("tok-3", LifecycleType.ISSUED, T0, b -> b.setServiceVersion("2.0.0").setExpiresAt(at(days(300))));
            f.issue("tok-4", T0);
            f.lifecycle("tok-4", LifecycleType.REVOKED, at(days(5)), b -> { });
            f.deploy("checkout", "1.4.2", DeploymentType.DEPLOYED, at(days(1)));
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(10)));
            f.tick(at(days(11)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.RETIRED_VERSION_TOKEN);
            assertEquals(List.of("tok-1", "tok-2"), alerts.stream().map(TokenAlert::getTokenId).sorted().toList());
            assertEquals(at(days(10)), alerts.get(0).getEventTime());
            assertEquals("1.4.2", alerts.get(0).getEvidence().get("version"));
            assertEquals(ActionType.ROTATE, alerts.get(0).getAction());
            f.tick(at(days(20)));
            assertEquals(List.of(), f.newAlerts(AlertType.RETIRED_VERSION_TOKEN), "persists: no repeat");
        }
    }

    /** Found by the simulator: the alert took the time the token had reached when the retirement's news came. */
    @Test
    void aRetirementLearnedAfterLaterUsesIsDatedAtTheRetirement() {
        try (Fleet f = new Fleet(stateDir)) {
            f.deploy("checkout", "1.4.2", DeploymentType.DEPLOYED, T0);
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(10).plusHours(1))).use("tok-1", at(days(10).plusHours(8)))
                    .use("tok-1", at(days(10).plusHours(20)));
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(10).plusHours(2)));
            TokenAlert a = f.one(AlertType.RETIRED_VERSION_TOKEN);
            assertEquals(at(days(10).plusHours(2)), a.getEventTime());
            assertEquals(at(days(10).plusHours(2)).toString(), a.getEvidence().get("retiredAt"));
            assertEquals(Fleet.alertId(AlertType.RETIRED_VERSION_TOKEN, "tok-1", at(days(10).plusHours(2)), null), a.getAlertId());
        }
    }

    @Test
    void aTokenIssuedForAnAlreadyRetiredVersionIsFlaggedAndRedeployingClearsIt() {
        try (Fleet f = new Fleet(stateDir)) {
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(10)));
            f.issue("tok-1", at(days(12)));
            List<TokenAlert> first = f.newAlerts(AlertType.RETIRED_VERSION_TOKEN);
            assertEquals(1, first.size());
            assertEquals(at(days(12)), first.get(0).getEventTime());
            f.deploy("checkout", "1.4.2", DeploymentType.DEPLOYED, at(days(13)));
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(14)));
            f.tick(at(days(15)));
            List<TokenAlert> again = f.newAlerts(AlertType.RETIRED_VERSION_TOKEN);
            assertEquals(1, again.size(), "cleared by the redeploy, raised again by the second retirement");
            assertEquals(at(days(14)), again.get(0).getEventTime());
        }
    }

    @Test
    void aPlainServiceKeyIsAcceptedForDeployments() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.p.send(f.p.topics.deployments(), "checkout", io.tokenpulse.avro.ServiceDeploymentEvent.newBuilder()
                    .setEventId("d-plain").setTenant(Fleet.TENANT).setService("checkout").setVersion("1.4.2")
                    .setType(DeploymentType.RETIRED).setOccurredAt(at(days(3))).build());
            f.tick(at(days(4)));
            assertEquals(1, f.newAlerts(AlertType.RETIRED_VERSION_TOKEN).size());
            assertEquals(List.of(), f.p.deadLetters());
        }
    }

    @Test
    void theAlertAsksToRotateAndOnlyTheRetiredVersionsActiveTokensAreFlagged() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-other-service", LifecycleType.ISSUED, T0, b -> b.setPrincipal("billing").setScopes(List.of("a"))
                    .setExpiresAt(at(days(300))));
            f.lifecycle("tok-other-tenant", LifecycleType.ISSUED, T0, b -> b.setTenant("globex").setScopes(List.of("a"))
                    .setExpiresAt(at(days(300))));
            f.lifecycle("tok-unbound", LifecycleType.ISSUED, T0, b -> b.setServiceVersion(null).setScopes(List.of("a"))
                    .setExpiresAt(at(days(300))));
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(10)));
            TokenAlert a = f.one(AlertType.RETIRED_VERSION_TOKEN);
            assertEquals("tok-1", a.getTokenId());
            assertEquals(Fleet.alertId(AlertType.RETIRED_VERSION_TOKEN, "tok-1", at(days(10)), null), a.getAlertId());
            assertEquals("checkout", a.getEvidence().get("service"));
            assertEquals(at(days(10)).toString(), a.getEvidence().get("retiredAt"));
            assertEquals(ActionType.ROTATE, f.actionOf(a).getAction());
        }
    }

    @Test
    void aTokenThatEndsIsNoLongerBoundAndARetirementAfterItRaisesNothing() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.issue("tok-2", T0, List.of("a"), at(days(8)));
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(5)), b -> { });
            f.tick(at(days(9)));
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(10)));
            f.tick(at(days(11)));
            assertEquals(List.of(), f.newAlerts(AlertType.RETIRED_VERSION_TOKEN), "revoked, and expired by time");
        }
    }

    @Test
    void aTokenReboundToAnotherVersionLeavesTheRetiredOneAndIsJudgedByItsNewVersion() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.deploy("checkout", "1.4.2", DeploymentType.RETIRED, at(days(10)));
            assertEquals(1, f.newAlerts(AlertType.RETIRED_VERSION_TOKEN).size());
            // The token is now bound to 2.0.0 (a lifecycle event names the new version): the condition clears
            f.lifecycle("tok-1", LifecycleType.RENEWED, at(days(11)), b -> b.setServiceVersion("2.0.0")
                    .setExpiresAt(at(days(80))));
            f.tick(at(days(12)));
            assertEquals(List.of(), f.newAlerts(AlertType.RETIRED_VERSION_TOKEN));
            assertFalse(f.state("tok-1").getActivity().getOpenConditions().containsKey("RETIRED_VERSION_TOKEN"), "cleared");
            f.deploy("checkout", "2.0.0", DeploymentType.RETIRED, at(days(13)));
            TokenAlert again = f.one(AlertType.RETIRED_VERSION_TOKEN);
            assertEquals(at(days(13)), again.getEventTime());
            assertEquals("2.0.0", again.getEvidence().get("version"));
        }
    }
}
