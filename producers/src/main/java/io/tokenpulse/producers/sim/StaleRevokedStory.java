package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import java.util.Set;

/**
 * REVOKED_TOKEN_USED: after the first rotation of a {@link Lineage} a client nobody moved keeps calling with the
 * revoked token.
 */
final class StaleRevokedStory extends Story {
    StaleRevokedStory() {
        super("stale-revoked", 0.04, Set.of(AlertType.REVOKED_TOKEN_USED), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        long issue = fleet.early();
        Lineage.plan(fleet, s, id, label(), s.baseScopes().subList(0, 1 + rng.nextInt(3)), issue, fleet.shortLifetime(issue),
                Lineage.Stale.AFTER_REVOKE, null);
    }
}
