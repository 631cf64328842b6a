package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.UsageOutcome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverPrivilegedTest {
    @TempDir
    Path stateDir;

    @Test
    void aGrantedScopeUnusedForTheObservationWindowAlertsOnceWithTheUsedScopesSuggested() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            for (int d = 10; d <= 170; d += 10) {
                f.use("tok-1", at(days(d)), b -> b.setScope("repo:read"));
            }
            List<TokenAlert> alerts = f.newAlerts(AlertType.OVER_PRIVILEGED);
            assertEquals(1, alerts.size(), alerts.toString());
            TokenAlert a = alerts.get(0);
            assertEquals(at(days(90)), a.getEventTime());
            assertEquals(List.of("repo:read"), a.getSuggestedScopes());
            assertEquals("repo:write", a.getEvidence().get("unusedScopes"));
            assertEquals("repo:read", a.getEvidence().get("usedScopes"));
            assertEquals("repo:read,repo:write", a.getEvidence().get("grantedScopes"));
            assertEquals(ActionType.NARROW_SCOPES, a.getAction());
            assertEquals(List.of("repo:read"), f.actions().stream().filter(x -> x.getReason() == AlertType.OVER_PRIVILEGED)
                    .findFirst().orElseThrow().getSuggestedScopes());
        }
    }

    @Test
    void justBeforeTheWindowNothingIsRaised() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(80)), b -> b.setScope("repo:read"));
            f.tick(at(days(90)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.OVER_PRIVILEGED));
        }
    }

    @Test
    void usingTheScopeClearsItAndLettingItLapseAgainAlertsAgain() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(85)), b -> b.setScope("repo:read"));
            f.tick(at(days(91)));
            assertEquals(1, f.newAlerts(AlertType.OVER_PRIVILEGED).size());
            f.use("tok-1", at(days(92)), b -> b.setScope("repo:write"));
            f.use("tok-1", at(days(150)), b -> b.setScope("repo:read"));
            assertEquals(List.of(), f.newAlerts(AlertType.OVER_PRIVILEGED));
            f.use("tok-1", at(days(190)), b -> b.setScope("repo:read"));
            List<TokenAlert> again = f.newAlerts(AlertType.OVER_PRIVILEGED);
            assertEquals(1, again.size());
            assertEquals(at(days(182)), again.get(0).getEventTime(), "90 days after repo:write was last used");
        }
    }

    @Test
    void aScopeGrantedRecentlyIsNotJudgedAndATokenWithoutUseIsUnusedInstead() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read"), at(days(365)));
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(days(60)), b -> b.setScopes(List.of("repo:read", "repo:admin")));
            f.use("tok-1", at(days(100)), b -> b.setScope("repo:read"));
            f.tick(at(days(149)));
            assertEquals(List.of(), f.newAlerts(AlertType.OVER_PRIVILEGED), "repo:admin was granted less than 90 days ago");
            f.use("tok-1", at(days(151)), b -> b.setScope("repo:read"));
            assertEquals(at(days(150)), f.newAlerts(AlertType.OVER_PRIVILEGED).get(0).getEventTime());

            f.issue("tok-2", at(days(200)));
            f.tick(at(days(300)));
            List<TokenAlert> all = f.newAlerts();
            assertEquals(List.of(), all.stream().filter(a -> a.getTokenId().equals("tok-2") && a.getType() == AlertType.OVER_PRIVILEGED).toList());
            assertEquals(1, all.stream().filter(a -> a.getTokenId().equals("tok-2") && a.getType() == AlertType.UNUSED_TOKEN).count());
        }
    }

    @Test
    void theAlertIsTheConditionsOwnAndItsActionNarrowsToTheUsedScopes() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read", "repo:write", "repo:admin"), at(days(365)));
            f.use("tok-1", at(days(30)), b -> b.setScope("repo:read"));
            f.use("tok-1", at(days(40)), b -> b.setScope("repo:write"));
            f.use("tok-1", at(days(60)), b -> b.setScope("repo:read").setOutcome(UsageOutcome.DENIED_OTHER));
            f.use("tok-1", at(days(60)), b -> b.setScope("repo:admin").setOutcome(UsageOutcome.DENIED_SCOPE));
            f.tick(at(days(90)));
            TokenAlert a = f.one(AlertType.OVER_PRIVILEGED);
            assertEquals(at(days(90)), a.getEventTime());
            assertEquals(Fleet.alertId(AlertType.OVER_PRIVILEGED, "tok-1", at(days(90)), null), a.getAlertId());
            assertEquals("repo:admin", a.getEvidence().get("unusedScopes"), "a denied use is not a use of the scope");
            assertEquals(T0.toString(), a.getEvidence().get("observedSince"));
            assertEquals(List.of("repo:read", "repo:write"), a.getSuggestedScopes());
            assertEquals(ActionType.NARROW_SCOPES, f.actionOf(a).getAction());
            assertEquals(List.of("repo:read", "repo:write"), f.actionOf(a).getSuggestedScopes());
            f.tick(at(days(100)));
            assertEquals(List.of(), f.newAlerts(AlertType.OVER_PRIVILEGED), "persists: no repeat");
        }
    }

    @Test
    void aTokenUsingAllItsScopesIsNotOverPrivileged() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)), b -> b.setScope("repo:read"));
            f.use("tok-1", at(days(1)), b -> b.setScope("repo:write"));
            f.use("tok-1", at(days(89)), b -> b.setScope("repo:read"));
            f.tick(at(days(91)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.OVER_PRIVILEGED), "repo:write was used less than 90 days ago");
            f.tick(at(days(91)));
            assertEquals(at(days(91)), f.one(AlertType.OVER_PRIVILEGED).getEventTime(),
                    "exactly 90 days after its last use repo:write is unused");
        }
    }
}
