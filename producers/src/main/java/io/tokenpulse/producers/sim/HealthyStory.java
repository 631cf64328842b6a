package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;

import java.util.Set;

/**
 * A token that does everything right: a {@link Lineage} on any service, mostly issued at the start, renewed or
 * rotated in time. Every initial token no other story takes is healthy; it raises nothing.
 */
final class HealthyStory extends Story {
    static final String LABEL = "healthy";

    HealthyStory() {
        super(LABEL, 0, Set.of(), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.all());
        long issue = rng.chance(0.85) ? fleet.early() : rng.secondBetween(fleet.start + HOUR, fleet.until - DAY);
        Lineage.plan(fleet, s, id, label(), s.baseScopes().subList(0, 1 + rng.nextInt(3)), issue, fleet.randomLifetime(),
                Lineage.Stale.NONE, null);
    }
}
