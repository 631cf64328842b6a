package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import java.util.Set;

/** SCOPE_CREEP by rotation: the first rotation of a {@link Lineage} grants one powerful scope more, on the new token. */
final class CreepRotateStory extends Story {
    CreepRotateStory() {
        super("creep-rotate", 0.025, Set.of(AlertType.SCOPE_CREEP), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        long issue = fleet.early();
        Lineage.plan(fleet, s, id, label(), s.baseScopes().subList(0, 1 + rng.nextInt(2)), issue, fleet.shortLifetime(issue),
                Lineage.Stale.NONE, rng.pick(s.powerScopes()));
    }
}
