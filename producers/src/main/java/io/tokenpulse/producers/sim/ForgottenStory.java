package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.SimPolicy.U;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.UsageOutcome;
import java.util.List;
import java.util.Set;

/** UNUSED_TOKEN: never used, or used in all scopes until one instant and never again. */
final class ForgottenStory extends Story {
    ForgottenStory() {
        super("forgotten", 0.05, Set.of(AlertType.UNUSED_TOKEN), MAY_EXPIRE);
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        if (rng.chance(0.5)) {
            long issue = rng.secondBetween(fleet.start + 10 * MINUTE, fleet.until - U - HOUR);
            TokenPlan p = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
            fleet.design(p, AlertType.UNUSED_TOKEN, issue + U);
            return;
        }
        long issue = fleet.early();
        TokenPlan p = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
        long stop = rng.secondBetween(issue + DAY, Math.max(issue + DAY, fleet.until - U - HOUR)) + 500;
        p.segments.add(fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), stop, scopes.size() + 2, true));
        // The last call in every scope at one instant: after it the scopes fall out of the observation window
        // together, so the token goes from "used" to "unused" without a moment of being over-privileged.
        for (String scope : scopes) {
            p.uses.add(new ExplicitUse(stop, scope, UsageOutcome.ALLOWED, s.name(), s.v1(),
                    s.network() + "." + (1 + rng.nextInt(250)), s.userAgent(), 1));
        }
        fleet.design(p, AlertType.UNUSED_TOKEN, stop + U);
    }
}
