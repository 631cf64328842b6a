package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.SimPolicy.O;

import io.tokenpulse.avro.AlertType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** OVER_PRIVILEGED: granted extra, powerful scopes it never uses; used daily in the others. */
final class OverGrantedStory extends Story {
    OverGrantedStory() {
        super("over-granted", 0.05, Set.of(AlertType.OVER_PRIVILEGED), MAY_EXPIRE);
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> used = s.baseScopes().subList(0, 1 + rng.nextInt(2));
        List<String> granted = new ArrayList<>(used);
        granted.addAll(s.powerScopes().subList(0, 1 + rng.nextInt(2)));
        long issue = rng.chance(0.6) ? fleet.early() : rng.secondBetween(fleet.start + HOUR, fleet.until - O - HOUR);
        TokenPlan p = fleet.single(s, id, this, granted, issue, issue + rng.secondBetween(21 * DAY, 30 * DAY));
        p.segments.add(fleet.clip(p, fleet.segment(s, s.v1(), used, issue + rng.secondBetween(5 * MINUTE, 2 * HOUR), fleet.end,
                used.size() + rng.nextInt(3), true)));
        fleet.design(p, AlertType.OVER_PRIVILEGED, issue + O);
    }
}
