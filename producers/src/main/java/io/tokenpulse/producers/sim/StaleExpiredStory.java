package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import java.util.Set;

/**
 * EXPIRED_TOKEN_USED: after the first rotation of a {@link Lineage} nobody revokes the old token; its forgotten
 * client works until the token expires, then is denied.
 */
final class StaleExpiredStory extends Story {
    StaleExpiredStory() {
        super("stale-expired", 0.04, Set.of(AlertType.EXPIRED_TOKEN_USED), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        long issue = fleet.early();
        Lineage.plan(fleet, s, id, label(), s.baseScopes().subList(0, 1 + rng.nextInt(3)), issue, fleet.shortLifetime(issue),
                Lineage.Stale.AFTER_EXPIRY, null);
    }
}
