package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import java.util.List;
import java.util.Set;

/**
 * EXPIRY_POLICY_VIOLATION: no expiry, a lifetime above the maximum, or a renewal that pushes it past. The truth
 * follows from its lifecycle steps (TruthBuilder).
 */
final class PolicyViolationStory extends Story {
    PolicyViolationStory() {
        super("policy-violation", 0.05, Set.of(AlertType.EXPIRY_POLICY_VIOLATION), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = rng.chance(0.5) ? fleet.early() : rng.secondBetween(fleet.start + HOUR, fleet.until - DAY);
        long far = Math.max(fleet.end + 3 * DAY + HOUR, issue + 45 * DAY) + rng.secondBetween(0, 300 * DAY);
        TokenPlan p = fleet.newPlan(id, s, label(), s.v1());
        switch (rng.nextInt(3)) {
            case 0 -> p.step(issue, LifecycleType.ISSUED, scopes, NONE, null, NONE, "no expiry");
            case 1 -> p.step(issue, LifecycleType.ISSUED, scopes, far, null, NONE, "long-lived");
            default -> {
                long e = issue + 14 * DAY;
                if (issue + 2 * DAY > fleet.until - DAY) {
                    p.step(issue, LifecycleType.ISSUED, scopes, NONE, null, NONE, "no expiry");
                } else {
                    p.step(issue, LifecycleType.ISSUED, scopes, e, null, NONE, null);
                    long renew = rng.secondBetween(issue + 2 * DAY, Math.min(issue + 10 * DAY, fleet.until - DAY));
                    p.step(renew, LifecycleType.RENEWED, List.of(), far, null, NONE, "renewed past the maximum");
                }
            }
        }
        p.segments.add(fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), fleet.end,
                scopes.size() + rng.nextInt(3), true));
    }
}
