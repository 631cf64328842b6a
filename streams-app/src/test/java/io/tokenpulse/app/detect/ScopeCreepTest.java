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
import io.tokenpulse.avro.TokenLifecycleEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScopeCreepTest {
    @TempDir
    Path stateDir;

    @Test
    void aScopeChangeBeyondThePreviousGrantAlertsOnTheToken() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read"), at(days(60)));
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(days(1)), b -> b.setScopes(List.of("repo:read", "admin:org")));
            List<TokenAlert> alerts = f.newAlerts(AlertType.SCOPE_CREEP);
            assertEquals(1, alerts.size());
            assertEquals("tok-1", alerts.get(0).getTokenId());
            assertEquals(at(days(1)), alerts.get(0).getEventTime());
            assertEquals("admin:org", alerts.get(0).getEvidence().get("addedScopes"));
            assertEquals(List.of("repo:read"), alerts.get(0).getSuggestedScopes());
        }
    }

    @Test
    void narrowingOrKeepingTheGrantIsNotCreep() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read", "repo:write"), at(days(60)));
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(days(1)), b -> b.setScopes(List.of("repo:read")));
            f.lifecycle("tok-2", LifecycleType.ROTATED, at(days(2)), b -> b.setScopes(List.of("repo:read")).setReplacesTokenId("tok-1"));
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_CREEP));
        }
    }

    @Test
    void aRotationGrantingMoreThanTheReplacedTokenAlertsOnTheNewToken() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-old", T0, List.of("repo:read"), at(days(60)));
            // The new token lives on another partition in production: the comparison travels over the links topic.
            f.lifecycle("tok-new", LifecycleType.ROTATED, at(days(50)),
                    b -> b.setScopes(List.of("repo:read", "repo:delete")).setReplacesTokenId("tok-old").setExpiresAt(at(days(110))));
            List<TokenAlert> alerts = f.newAlerts(AlertType.SCOPE_CREEP);
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals("tok-new", alerts.get(0).getTokenId());
            assertEquals("repo:delete", alerts.get(0).getEvidence().get("addedScopes"));
            assertEquals(at(days(50)), alerts.get(0).getEventTime());
            assertEquals("tok-new", f.state("tok-old").getActivity().getReplacedBy());
        }
    }

    @Test
    void theAlertNamesTheLifecycleEventAndAsksToNarrowBackToThePreviousGrant() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read", "repo:write"), at(days(60)));
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(days(1)),
                    b -> b.setEventId("grant-2").setScopes(List.of("repo:read", "admin:org", "repo:delete")));
            TokenAlert a = f.one(AlertType.SCOPE_CREEP);
            assertEquals(Fleet.alertId(AlertType.SCOPE_CREEP, "tok-1", at(days(1)), "grant-2"), a.getAlertId());
            assertEquals("repo:read,repo:write", a.getEvidence().get("previousScopes"));
            assertEquals("admin:org,repo:delete,repo:read", a.getEvidence().get("grantedScopes"));
            assertEquals("admin:org,repo:delete", a.getEvidence().get("addedScopes"));
            assertEquals("grant-2", a.getEvidence().get("lifecycleEventId"));
            assertEquals(ActionType.NARROW_SCOPES, a.getAction());
            assertEquals(List.of("repo:read", "repo:write"), f.actionOf(a).getSuggestedScopes());
        }
    }

    @Test
    void aRedeliveredScopeChangeChangesNothing() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("repo:read"), at(days(60)));
            TokenLifecycleEvent change = Pipeline.lifecycle("grant-2", "tok-1", LifecycleType.SCOPES_CHANGED, at(days(1)))
                    .setScopes(List.of("repo:read", "admin:org")).build();
            f.p.send(f.p.topics.lifecycle(), "tok-1", change);
            assertEquals(1, f.newAlerts(AlertType.SCOPE_CREEP).size());
            f.p.send(f.p.topics.lifecycle(), "tok-1", change);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_CREEP));
        }
    }

    @Test
    void furtherWideningsWithinTheCooldownFoldIntoTheNextAlert() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of("a"), at(days(60)));
            Duration d = days(1);
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(d), b -> b.setScopes(List.of("a", "b")));
            assertEquals(at(d), f.one(AlertType.SCOPE_CREEP).getEventTime());
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(d.plusMinutes(30)), b -> b.setScopes(List.of("a", "b", "c")));
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_CREEP), "within the hour: folded");
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(d.plusMinutes(60)), b -> b.setEventId("grant-4")
                    .setScopes(List.of("a", "b", "c", "d")));
            TokenAlert again = f.one(AlertType.SCOPE_CREEP);
            assertEquals(at(d.plusMinutes(60)), again.getEventTime(), "the cooldown ends an hour after the alert, inclusive");
            assertEquals("1", again.getEvidence().get("foldedSincePreviousAlert"));
            assertEquals("d", again.getEvidence().get("addedScopes"));
            assertEquals(Fleet.alertId(AlertType.SCOPE_CREEP, "tok-1", at(d.plusMinutes(60)), "grant-4"), again.getAlertId());
        }
    }

    @Test
    void anIssueThatReplacesATokenIsComparedWithTheReplacedGrant() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-old", T0, List.of("repo:read", "repo:write"), at(days(60)));
            f.lifecycle("tok-new", LifecycleType.ISSUED, at(days(50)), b -> b.setEventId("issue-new")
                    .setScopes(List.of("repo:read", "repo:admin")).setReplacesTokenId("tok-old").setExpiresAt(at(days(110))));
            TokenAlert a = f.one(AlertType.SCOPE_CREEP);
            assertEquals("tok-new", a.getTokenId());
            assertEquals(Fleet.alertId(AlertType.SCOPE_CREEP, "tok-new", at(days(50)), "issue-new"), a.getAlertId());
            assertEquals("repo:admin", a.getEvidence().get("addedScopes"));
            assertEquals("repo:read,repo:write", a.getEvidence().get("previousScopes"));
            assertEquals(List.of("repo:read", "repo:write"), a.getSuggestedScopes());
            // A rotation that keeps within the old grant is not creep, even when it drops a scope
            f.lifecycle("tok-newer", LifecycleType.ROTATED, at(days(55)), b -> b.setScopes(List.of("repo:read"))
                    .setReplacesTokenId("tok-old").setExpiresAt(at(days(110))));
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_CREEP));
        }
    }

    @Test
    void aGrantAddedToATokenIssuedWithNoScopesIsCreepButAFirstGrantSeenIsNot() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0, List.of(), at(days(60)));
            f.lifecycle("tok-1", LifecycleType.SCOPES_CHANGED, at(days(1)), b -> b.setScopes(List.of("admin:org")));
            TokenAlert a = f.one(AlertType.SCOPE_CREEP);
            assertEquals("admin:org", a.getEvidence().get("addedScopes"));
            assertEquals("", a.getEvidence().get("previousScopes"));
            assertEquals(List.of(), a.getSuggestedScopes());
            // A token first seen through a scope change has no previous grant to compare with
            f.lifecycle("tok-2", LifecycleType.SCOPES_CHANGED, at(days(1)), b -> b.setScopes(List.of("admin:org")));
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_CREEP));
        }
    }
}
