package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
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
}
