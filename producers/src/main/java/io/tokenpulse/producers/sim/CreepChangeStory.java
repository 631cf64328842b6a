package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** SCOPE_CREEP by SCOPES_CHANGED: a powerful scope added to a healthy token, and used from then on. */
final class CreepChangeStory extends Story {
    CreepChangeStory() {
        super("creep-change", 0.025, Set.of(AlertType.SCOPE_CREEP), MAY_EXPIRE);
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = fleet.early();
        TokenPlan p = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
        long change = rng.secondBetween(issue + DAY, fleet.until - DAY);
        List<String> wider = new ArrayList<>(scopes);
        wider.add(rng.pick(s.powerScopes()));
        p.step(change, LifecycleType.SCOPES_CHANGED, wider, NONE, null, NONE, "access request");
        int perDay = wider.size() + rng.nextInt(3);
        p.segments.add(fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), change, perDay, true));
        p.segments.add(fleet.clip(p, fleet.segment(s, s.v1(), wider, change + rng.secondBetween(MINUTE, HOUR), fleet.end,
                perDay, true)));
    }
}
