package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant policies change thresholds while the pipeline runs: event conditions read the policy at each use; state
 * conditions of tokens already scheduled are judged again at the next wall-clock tick after the policy is read.
 */
class PolicyTest {
    private static final Map<String, String> FAST_TICK = Map.of(AppConfig.DETECT_TICK, "PT1S");

    @TempDir
    Path stateDir;

    @Test
    void aShorterUnusedWindowReadLaterMovesTheDeadlineOfTokensAlreadyIssued() {
        try (Fleet f = new Fleet(stateDir, FAST_TICK)) {
            f.issue("tok-1", T0);
            f.tick(at(days(1)));
            f.policy(b -> b.setUnusedAfterMs(days(10).toMillis()));
            f.wall(Duration.ofSeconds(1));
            f.tick(at(days(10)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN));
            f.tick(at(days(10)));
            TokenAlert a = f.one(AlertType.UNUSED_TOKEN);
            assertEquals(at(days(10)), a.getEventTime(), "the new deadline, by stream time");
            assertEquals("PT240H", a.getEvidence().get("unusedAfter"));
        }
    }

    @Test
    void aPolicyThatMakesAConditionHoldAlreadyAlertsWhenItIsRead() {
        try (Fleet f = new Fleet(stateDir, FAST_TICK)) {
            f.issue("tok-1", T0);
            f.tick(at(days(50)));
            f.policy(b -> b.setUnusedAfterMs(days(10).toMillis()));
            f.wall(Duration.ofSeconds(1));
            assertEquals(at(days(50)), f.one(AlertType.UNUSED_TOKEN).getEventTime(), "from the moment it is read");
        }
    }

    @Test
    void liftingTheMaximumLifetimeClearsAViolationAndRestoringItRaisesItAgain() {
        try (Fleet f = new Fleet(stateDir, FAST_TICK)) {
            f.issue("tok-1", T0, List.of("a"), at(days(120)));
            assertEquals(1, f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION).size());
            f.tick(at(days(1)));
            f.policy(b -> b.setMaxLifetimeMs(days(365).toMillis()));
            f.wall(Duration.ofSeconds(1));
            f.tick(at(days(2)));
            assertEquals(List.of(), f.newAlerts(AlertType.EXPIRY_POLICY_VIOLATION));
            // A later policy replaces the earlier whole: maxLifetime left out is the 90-day default again
            f.policy(b -> b.setProbeThreshold(50));
            f.wall(Duration.ofSeconds(1));
            assertEquals(at(days(2)), f.one(AlertType.EXPIRY_POLICY_VIOLATION).getEventTime());
        }
    }

    @Test
    void eventThresholdsApplyFromTheNextUse() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.denied("tok-1", at(days(1)), "admin", 3);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING));
            f.policy(b -> b.setProbeThreshold(3).setAlertCooldownMs(Duration.ofMinutes(10).toMillis()));
            f.denied("tok-1", at(days(2)), "admin", 2);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING), "just below the new threshold");
            f.denied("tok-1", at(days(2).plusSeconds(1)), "admin", 1);
            assertEquals(1, f.newAlerts(AlertType.SCOPE_PROBING).size());
            f.denied("tok-1", at(days(2).plusMinutes(10)), "admin", 3);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING), "within the tenant's ten-minute cooldown");
            f.denied("tok-1", at(days(2).plusMinutes(10).plusSeconds(1)), "admin", 3);
            assertEquals(1, f.newAlerts(AlertType.SCOPE_PROBING).size(), "the cooldown is the tenant's ten minutes");
        }
    }

    @Test
    void aTenantsPolicyAppliesToItsOwnTokensOnly() {
        try (Fleet f = new Fleet(stateDir)) {
            f.p.send(f.p.topics.policies(), "globex", TokenPolicy.newBuilder().setTenant("globex").setProbeThreshold(1).build());
            f.issue("tok-acme", T0);
            f.lifecycle("tok-globex", io.tokenpulse.avro.LifecycleType.ISSUED, T0, b -> b.setTenant("globex")
                    .setScopes(List.of("a")).setExpiresAt(at(days(60))));
            f.denied("tok-acme", at(days(1)), "admin", 1);
            f.use("tok-globex", at(days(1)), b -> b.setTenant("globex").setScope("admin")
                    .setOutcome(io.tokenpulse.avro.UsageOutcome.DENIED_SCOPE));
            assertEquals(List.of("tok-globex"), f.newAlerts(AlertType.SCOPE_PROBING).stream().map(TokenAlert::getTokenId).toList());
        }
    }

    @Test
    void aTombstoneRestoresTheDefaults() {
        try (Fleet f = new Fleet(stateDir)) {
            f.policy(b -> b.setProbeThreshold(2));
            f.issue("tok-1", T0);
            f.denied("tok-1", at(days(1)), "admin", 2);
            assertEquals(1, f.newAlerts(AlertType.SCOPE_PROBING).size());
            f.p.send(f.p.topics.policies(), Fleet.TENANT, null);
            f.denied("tok-1", at(days(3)), "admin", 9);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING), "nine is below the default ten");
        }
    }
}
