package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;

import io.tokenpulse.avro.AlertType;
import java.util.List;
import java.util.Set;

/**
 * RETIRED_VERSION_TOKEN: a v1 token left behind when its service moved to v2, still used by a v1 straggler.
 * It stays active for two days after the retirement: the retirement reaches the token through two repartition
 * hops, by when the token's partition may have moved on in event time; a token that expired in between
 * would never be told while active (see docs/SIMULATION.md). Without such a service it is a healthy token.
 */
final class RetiredLeftStory extends Story {
    RetiredLeftStory() {
        super("retired-left", 0.04, Set.of(AlertType.RETIRED_VERSION_TOKEN), MAY_EXPIRE);
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        long issue = fleet.early();
        long expires = fleet.dodge(issue, issue + 30 * DAY);
        List<Service> fitting = services.migrating().stream().filter(m -> m.retireAt() + 2 * DAY <= expires).toList();
        if (fitting.isEmpty()) {
            Service any = rng.pick(services.all());
            Lineage.plan(fleet, any, id, HealthyStory.LABEL, any.baseScopes().subList(0, 1), issue, fleet.randomLifetime(),
                    Lineage.Stale.NONE, null);
            return;
        }
        Service s = rng.pick(fitting);
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        TokenPlan p = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
        p.segments.add(fleet.clip(p, fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), fleet.end,
                scopes.size() + rng.nextInt(3), true)));
        fleet.design(p, AlertType.RETIRED_VERSION_TOKEN, s.retireAt());
    }
}
