package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;

import io.tokenpulse.avro.AlertType;
import java.util.List;
import java.util.Set;

/** VERSION_MISMATCH: a straggler instance of an old version of the right service uses the token. */
final class VersionMixStory extends Story {
    VersionMixStory() {
        super("version-mix", 0.04, Set.of(AlertType.VERSION_MISMATCH), MAY_EXPIRE);
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = fleet.early();
        TokenPlan p = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
        p.segments.add(fleet.clip(p, fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), fleet.end,
                scopes.size() + rng.nextInt(3), true)));
        long from = rng.secondBetween(issue + DAY, fleet.until - 2 * DAY);
        String old = rng.chance(0.5) ? "0." + (1 + rng.nextInt(9)) : s.v1() + "-canary";
        p.segments.add(fleet.clip(p, new Segment(from, from + rng.secondBetween(HOUR, DAY), s.name(), old, scopes, s.network(),
                s.userAgent(), 4, 12, false)));
    }
}
