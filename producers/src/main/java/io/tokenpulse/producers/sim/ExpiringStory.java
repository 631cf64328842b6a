package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;

import io.tokenpulse.avro.AlertType;
import java.util.List;
import java.util.Set;

/**
 * EXPIRING_UNREPLACED: expires inside the run; its service stops using it shortly before, nobody replaces it.
 * The truth follows from its lifecycle steps (TruthBuilder), not from a designed entry.
 */
final class ExpiringStory extends Story {
    ExpiringStory() {
        super("expiring", 0.04, Set.of(AlertType.EXPIRING_UNREPLACED), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = fleet.early();
        long expires = rng.secondBetween(issue + 6 * DAY, Math.max(issue + 6 * DAY, fleet.end - 3 * DAY / 2 - HOUR));
        TokenPlan p = fleet.single(s, id, this, scopes, issue, expires);
        p.segments.add(fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR),
                p.finalExpiresAt() - rng.secondBetween(HOUR, 12 * HOUR), scopes.size() + rng.nextInt(3), true));
    }
}
