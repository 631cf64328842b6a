package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;

import io.tokenpulse.avro.AlertType;
import java.util.List;
import java.util.Set;

/**
 * PRINCIPAL_MISMATCH: another service of the tenant borrows the token for a while, from its own network (so a
 * NEW_SOURCE too).
 */
final class PrincipalMixStory extends Story {
    PrincipalMixStory() {
        super("principal-mix", 0.04, Set.of(AlertType.PRINCIPAL_MISMATCH, AlertType.NEW_SOURCE), MAY_EXPIRE);
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<Service> all = services.all();
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = fleet.early();
        TokenPlan p = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
        p.segments.add(fleet.clip(p, fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), fleet.end,
                scopes.size() + rng.nextInt(3), true)));
        Service other = all.get((s.index() + 1 + rng.nextInt(all.size() - 1)) % all.size());
        long from = rng.secondBetween(issue + DAY, fleet.until - 2 * DAY);
        long to = from + rng.secondBetween(2 * HOUR, 36 * HOUR);
        p.segments.add(fleet.clip(p, new Segment(from, to, other.name(), other.versionAt(from), scopes.subList(0, 1),
                other.network(), other.userAgent(), 6, 12, false)));
    }
}
