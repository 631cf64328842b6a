package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.TokenPlan.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.UsageOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fleet small enough to check by hand: each token is one condition of the contract with the simulator's policy
 * (unused 3 d, observation 3 d, max lifetime 30 d, warning 2 d, SLA 24 h, learning 2 d, cooldown 1 h,
 * grace 5 min), and the expected truth is written out line by line below.
 */
class HandFleetTruthTest {
    private static final long S = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000L;
    private static final long H = 60 * MIN;
    private static final long D = 24 * H;
    private static final String T = "t01";

    private final List<TokenPlan> plans = new ArrayList<>();

    private TokenPlan token(String id, String principal, String version) {
        TokenPlan p = new TokenPlan(plans.size(), id, T, "hand", "team", principal, version, "internal");
        plans.add(p);
        return p;
    }

    private static ExplicitUse use(long at, String principal, String version, String ip, UsageOutcome outcome) {
        return new ExplicitUse(at, "x:read", outcome, principal, version, ip, "svc-a-client/1", 1);
    }

    @Test
    void theTruthOfAHandMadeFleetIsExactlyWhatSpecSays() throws Exception {
        List<String> read = List.of("x:read");
        token("a-noexp", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, NONE, null, NONE, null);

        token("b-old", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 20 * D, null, NONE, null);
        token("b-new", "svc-a", "1.0").step(S + 2 * D, LifecycleType.ROTATED, List.of("x:read", "x:admin"), S + 12 * D, "b-old", NONE, null);

        token("c", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 5 * D, null, NONE, null);

        TokenPlan d = token("d", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 20 * D, null, NONE, null)
                .step(S + 2 * D, LifecycleType.REVOKED, List.of(), NONE, null, NONE, null);
        d.uses.add(use(S + 2 * D + H + 1, "svc-a", "1.0", "10.0.0.1", UsageOutcome.DENIED_REVOKED));
        d.uses.add(use(S + 2 * D + 90 * MIN + 1, "svc-a", "1.0", "10.0.0.1", UsageOutcome.DENIED_REVOKED)); // within the cooldown
        d.uses.add(use(S + 2 * D + 2 * H + 1001, "svc-a", "1.0", "10.0.0.1", UsageOutcome.DENIED_REVOKED));

        TokenPlan e = token("e-ghost", null, null);
        e.uses.add(use(S + D + 1, null, null, "10.0.9.9", UsageOutcome.DENIED_UNKNOWN));
        e.uses.add(use(S + D + 2 * MIN + 1, null, null, "10.0.9.9", UsageOutcome.DENIED_UNKNOWN)); // same pending window
        e.uses.add(use(S + D + 30 * MIN + 1, null, null, "10.0.9.9", UsageOutcome.DENIED_UNKNOWN)); // due +35 min: folded
        e.uses.add(use(S + D + 3 * H + 1, null, null, "10.0.9.9", UsageOutcome.DENIED_UNKNOWN));

        TokenPlan f = token("f", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 20 * D, null, NONE, null);
        f.uses.add(use(S + D + 2 * H + 1, "svc-b", "3.0", "10.0.0.2", UsageOutcome.ALLOWED));
        f.uses.add(use(S + D + 4 * H + 1, "svc-a", "0.9", "10.0.0.2", UsageOutcome.ALLOWED));

        TokenPlan g = token("g", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 20 * D, null, NONE, null)
                .step(S + 3 * D + 2 * H, LifecycleType.COMPROMISED, List.of(), NONE, null, S + 3 * D - H, "scanner")
                .step(S + 3 * D + 5 * H, LifecycleType.REVOKED, List.of(), NONE, null, NONE, null);
        g.segments.add(new Segment(S + H + 5 * MIN, S + 3 * D + 4 * H, "svc-a", "1.0", read, "10.0.0", "svc-a-client/1", 4, 5, true));
        g.uses.add(new ExplicitUse(S + 3 * D + 250, "x:read", UsageOutcome.ALLOWED, null, null, "203.0.113.7", "curl/8.5.0", 1));
        TokenPlan gNew = token("g-new", "svc-a", "1.0")
                .step(S + 3 * D + 6 * H, LifecycleType.ROTATED, read, S + 13 * D, "g", NONE, null);
        gNew.uses.add(use(S + 3 * D + 8 * H + 1, "svc-a", "1.0", "10.0.0.3", UsageOutcome.ALLOWED));

        token("h", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 11 * D, null, NONE, null)
                .step(S + 2 * D, LifecycleType.RENEWED, List.of(), S + 40 * D, null, NONE, null);

        TokenPlan i = token("i", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 3 * D, null, NONE, null);
        i.uses.add(use(S + 3 * D + H + 1, "svc-a", "1.0", "10.0.0.4", UsageOutcome.DENIED_EXPIRED));

        Map<String, TokenPlan> byId = new HashMap<>();
        plans.forEach(p -> byId.put(p.id, p));
        SimConfig config = new SimConfig(1, 10, 10, 1);
        IncidentPlan incident = new IncidentPlan("g", T, S + 3 * D - H, true, S + 3 * D + 2 * H, S + 3 * D + 250,
                S + 3 * D + 5 * H, "g-new", "within-sla");
        FleetPlan plan = new FleetPlan(config, List.of(T), List.copyOf(plans), byId, List.of(), List.of(incident), List.of());

        GroundTruth truth = new Simulator(plan).run(ev -> { });

        List<String> expected = List.of(
                "2026-01-01T01:00:00Z EXPIRY_POLICY_VIOLATION a-noexp",   // issued without expiry
                "2026-01-02T00:00:00Z EXPIRING_UNREPLACED i",             // expires 01-04, warned 2 d before
                "2026-01-02T00:05:00.001Z UNKNOWN_TOKEN_USED e-ghost",    // first use + grace
                "2026-01-02T02:00:00.001Z PRINCIPAL_MISMATCH f",
                "2026-01-02T03:05:00.001Z UNKNOWN_TOKEN_USED e-ghost",    // the 00:30 one folded into the cooldown
                "2026-01-02T04:00:00.001Z VERSION_MISMATCH f",
                "2026-01-03T00:00:00Z SCOPE_CREEP b-new",                 // rotation adds x:admin
                "2026-01-03T00:00:00Z EXPIRY_POLICY_VIOLATION h",         // renewed to 39 d after issue
                "2026-01-03T01:00:00.001Z REVOKED_TOKEN_USED d",
                "2026-01-03T01:00:00.001Z NEW_SOURCE d",                  // first use, two days after its ISSUED
                "2026-01-03T02:00:01.001Z REVOKED_TOKEN_USED d",          // the 01:30 one folded
                "2026-01-04T00:00:00Z EXPIRING_UNREPLACED c",             // expires 01-06
                "2026-01-04T00:00:00.250Z NEW_SOURCE g",                  // attacker's network, after 2 d of learning
                "2026-01-04T01:00:00.001Z EXPIRED_TOKEN_USED i",
                "2026-01-04T01:00:00.001Z NEW_SOURCE i");
        List<String> actual = truth.alerts().stream()
                .map(t -> Instant.ofEpochMilli(t.eventTime()) + " " + t.type() + " " + t.tokenId()).toList();
        assertEquals(expected, actual);

        assertEquals(1, truth.incidents().size());
        IncidentTruth it = truth.incidents().get(0);
        assertEquals(S + 3 * D + 250, it.detectedAt(), "the NEW_SOURCE signal precedes the report");
        assertEquals(H + 250, it.timeToDetectMs());
        assertEquals(5 * H - 250, it.timeToRevokeMs());
        assertEquals(8 * H + 1 - 250, it.timeToReplaceMs(), "adopted at the replacement's first ALLOWED use");
        assertEquals("g-new", it.replacedBy());
    }

    @Test
    void aCompromiseNotBothRevokedAndReplacedWithinTheSlaIsOverdueAtDetectionPlusSla() throws Exception {
        List<String> read = List.of("x:read");
        token("k", "svc-a", "1.0").step(S + H, LifecycleType.ISSUED, read, S + 20 * D, null, NONE, null)
                .step(S + 3 * D, LifecycleType.COMPROMISED, List.of(), NONE, null, NONE, null)
                .step(S + 3 * D + 2 * H, LifecycleType.REVOKED, List.of(), NONE, null, NONE, null);
        Map<String, TokenPlan> byId = new HashMap<>();
        plans.forEach(p -> byId.put(p.id, p));
        IncidentPlan incident = new IncidentPlan("k", T, NONE, false, S + 3 * D, S + 3 * D, S + 3 * D + 2 * H, null, "never-replaced");
        FleetPlan plan = new FleetPlan(new SimConfig(1, 10, 10, 1), List.of(T), List.copyOf(plans), byId, List.of(),
                List.of(incident), List.of());

        GroundTruth truth = new Simulator(plan).run(ev -> { });

        assertEquals(List.of("2026-01-05T00:00:00Z REPLACEMENT_OVERDUE k"), truth.alerts().stream()
                .map(t -> Instant.ofEpochMilli(t.eventTime()) + " " + t.type() + " " + t.tokenId()).toList());
        IncidentTruth it = truth.incidents().get(0);
        assertEquals(null, it.timeToDetectMs(), "no exposedAt: time to detect is undefined");
        assertEquals(2 * H, it.timeToRevokeMs());
        assertEquals(null, it.timeToReplaceMs());
    }
}
