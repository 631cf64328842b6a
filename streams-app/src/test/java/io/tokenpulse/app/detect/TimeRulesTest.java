package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of time and order that are not about interleavings (InterleavingTest covers those): the
 * de-duplication window, late records, policies in time, ephemeral and discovered tokens.
 */
class TimeRulesTest {
    @TempDir
    Path stateDir;

    @Test
    void aUseRedeliveredLongAfterItsFirstCopyChangesNothing() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(1)), b -> { });
            TokenUsageEvent tried = io.tokenpulse.app.Pipeline.usage("tried-once", "tok-1", at(days(2)))
                    .setOutcome(UsageOutcome.DENIED_REVOKED).build();
            f.usageEvent(tried);
            // Far more other uses in between than any bounded list of recent ids would hold
            for (int i = 0; i < 200; i++) {
                f.use("tok-1", at(days(2)).plusSeconds(1 + i), b -> b.setOutcome(UsageOutcome.DENIED_REVOKED));
            }
            long before = f.state("tok-1").getActivity().getAttemptsAfterRevocation();
            f.usageEvent(tried);
            f.tick(at(days(3)));
            assertEquals(201, before);
            assertEquals(before, f.state("tok-1").getActivity().getAttemptsAfterRevocation(), "counted once");
            assertEquals(1, f.p.topology.late().duplicateCount());
        }
    }

    @Test
    void aLateRecordIsAppliedAtItsOwnTimeCountedAndADeadlineThatFiredStaysFired() {
        // No lateness: a record behind the time already judged is late.
        try (Fleet f = new Fleet(stateDir, Map.of("lateness", "PT0S"))) {
            f.issue("tok-1", T0);
            f.tick(at(days(91)));
            TokenAlert unused = f.one(AlertType.UNUSED_TOKEN);
            assertEquals(at(days(90)), unused.getEventTime());
            f.use("tok-1", at(days(89))); // late: the deadline at day 90 has fired
            assertEquals(1, f.p.topology.late().lateCount());
            assertEquals(at(days(89)).toEpochMilli(), f.state("tok-1").getActivity().getLastAllowedUseAt(), "applied");
            f.tick(at(days(120)));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN), "the fired alert is not retracted or repeated");
            f.tick(at(days(180)));
            assertEquals(at(days(179)), f.one(AlertType.UNUSED_TOKEN).getEventTime(),
                    "the late use cleared the episode from its time on: unused again 90 days after it");
        }
    }

    @Test
    void aPolicyJudgesFromItsEffectiveFromAndTheOneBeforeItUntilThen() {
        try (Fleet f = new Fleet(stateDir)) {
            f.policy(p -> p.setUnusedAfterMs(days(30).toMillis()));
            f.policy(p -> p.setUnusedAfterMs(days(10).toMillis()).setEffectiveFrom(at(days(50))));
            f.issue("a", T0);
            f.issue("b", T0);
            f.use("b", at(days(5)));
            f.use("a", at(days(25)));
            f.use("a", at(days(45)));
            f.tick(at(days(100)));
            List<TokenAlert> unused = f.newAlerts(AlertType.UNUSED_TOKEN);
            // b: 30 days after its use, under the first policy; a (never 30 days idle): judged by the second from day
            // 50 on, unused 10 days after its last use (under the first alone it would have been day 75)
            assertEquals(Map.of("b", at(days(35)), "a", at(days(55))),
                    Map.of(unused.get(0).getTokenId(), unused.get(0).getEventTime(), unused.get(1).getTokenId(),
                            unused.get(1).getEventTime()), unused.toString());
            assertEquals(2, unused.size());
        }
    }

    @Test
    void aReplacementIssuedAtTheSameMillisecondAsTheTokenItReplacesIsComparedWithItsGrant() {
        // The demo does this: a token issued and rotated in the same instant. Its own lifecycle is judged before the
        // link that arrives from the replacement's partition, so the grant is there to compare with.
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("old", at(days(1)), List.of("ledger:read"), at(days(30)));
            f.lifecycle("new", LifecycleType.ROTATED, at(days(1)), b -> b.setReplacesTokenId("old")
                    .setScopes(List.of("ledger:read", "ledger:write")).setExpiresAt(at(days(60))));
            f.tick(at(days(2)));
            TokenAlert creep = f.one(AlertType.SCOPE_CREEP);
            assertEquals("new", creep.getTokenId());
            assertEquals("ledger:write", creep.getEvidence().get("addedScopes"));
        }
    }

    @Test
    void anEphemeralTokenIsMeantToExpireAndRaisesNoExpiringUnreplaced() {
        try (Fleet f = new Fleet(stateDir)) {
            f.policy(p -> p.setEphemeralLifetimeMs(Duration.ofHours(36).toMillis()));
            f.issue("sts-session", T0, List.of("s3:GetObject"), T0.plus(Duration.ofHours(1)));
            f.issue("ci-job", T0, List.of("repo:read"), T0.plus(Duration.ofHours(36)));
            f.issue("short-key", T0, List.of("repo:read"), T0.plus(Duration.ofDays(3)));
            f.tick(at(days(5)));
            List<TokenAlert> expiring = f.newAlerts(AlertType.EXPIRING_UNREPLACED);
            assertEquals(List.of("short-key"), expiring.stream().map(TokenAlert::getTokenId).toList());
        }
    }

    @Test
    void aDiscoveredTokensExpiryAndGrantAreUnknownUntilALifecycleEventStatesThem() {
        try (Fleet f = new Fleet(stateDir)) {
            f.policy(p -> p.setDiscoverUnknown(true).setUnusedAfterMs(days(30).toMillis())
                    .setScopeObservationMs(days(10).toMillis()));
            f.use("AKIAOLDKEY", T0, b -> b.setScope("s3:GetObject"));
            for (int d = 1; d < 20; d++) {
                f.use("AKIAOLDKEY", at(days(d)), b -> b.setScope("s3:GetObject"));
            }
            f.tick(at(days(25)));
            List<TokenAlert> before = f.newAlerts();
            assertEquals(List.of(), before, "no UNKNOWN_TOKEN_USED, no 'never expires', no over-privilege guessed");
            // A renewal states an expiry: now the lifetime is known, and above the 90-day maximum
            f.lifecycle("AKIAOLDKEY", LifecycleType.RENEWED, at(days(26)), b -> b.setExpiresAt(at(days(400))));
            f.tick(at(days(27)));
            TokenAlert violation = f.one(AlertType.EXPIRY_POLICY_VIOLATION);
            assertEquals("AKIAOLDKEY", violation.getTokenId());
            // and, known from its first use, it goes unused like any token
            f.tick(at(days(60)));
            Instant unusedAt = f.one(AlertType.UNUSED_TOKEN).getEventTime();
            assertEquals(at(days(19)).plus(days(30)), unusedAt);
            assertTrue(f.newAlerts(AlertType.OVER_PRIVILEGED).isEmpty(), "its grant is still unknown");
        }
    }
}
