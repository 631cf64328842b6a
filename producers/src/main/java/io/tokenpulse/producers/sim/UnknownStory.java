package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.UsageOutcome;
import java.util.Set;

/**
 * UNKNOWN_TOKEN_USED: a legacy job calls with a key no lifecycle event ever named, in one to three bursts. Its
 * tokens come on top of a tenant's initial ones, {@link #share()} of their number.
 */
final class UnknownStory extends Story {
    UnknownStory() {
        super("unknown", 0.02, Set.of(AlertType.UNKNOWN_TOKEN_USED), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.all());
        TokenPlan p = fleet.unnamed(id, s.tenant(), label());
        int bursts = 1 + rng.nextInt(3);
        String ip = "10." + services.number() + ".250." + (1 + rng.nextInt(250));
        for (int b = 0; b < bursts; b++) {
            long at = rng.secondBetween(fleet.start + DAY, fleet.until - HOUR);
            int uses = 1 + rng.nextInt(4);
            for (int u = 0; u < uses; u++) {
                p.uses.add(new ExplicitUse(at + rng.secondBetween(0, 20 * MINUTE) + 1 + u, rng.pick(s.baseScopes()),
                        rng.chance(0.5) ? UsageOutcome.ALLOWED : UsageOutcome.DENIED_UNKNOWN,
                        "legacy-cron", null, ip, "legacy-cron/0.3", 1 + rng.nextInt(5)));
            }
        }
    }
}
