package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.DeploymentType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the fleet: tenants, services (some migrate to a new version and retire the old one), and one
 * {@link Story} per token, dealt by the stories' shares; then the unknown tokens on top. Each story plans its
 * own tokens; what keeps them apart is in {@link Story}.
 */
final class FleetPlanner {
    private static final String[] SERVICE_NAMES = {"checkout", "billing", "search", "ledger", "inventory", "payments",
        "reports", "mailer", "auth", "catalog", "shipping", "pricing", "analytics", "notify", "gateway", "users"};

    /** Every initial token no other story takes. */
    static final Story HEALTHY = new HealthyStory();
    /**
     * The stories dealt by share, in the order their roles are counted: with the shuffle after it, the order
     * decides which id gets which story, so it is part of the output.
     */
    static final List<Story> PLANTED = List.of(new ForgottenStory(), new OverGrantedStory(), new CreepChangeStory(),
            new CreepRotateStory(), new PrincipalMixStory(), new VersionMixStory(), new RetiredLeftStory(),
            new StaleRevokedStory(), new StaleExpiredStory(), new ExpiringStory(), new PolicyViolationStory(),
            new CompromiseStory());
    /** Extra ids, on top of the initial tokens. */
    static final Story UNKNOWN = new UnknownStory();

    private final SimConfig c;
    private final FleetDraft fleet;
    private final Rng rng;

    FleetPlanner(SimConfig config) {
        this.c = config;
        this.fleet = new FleetDraft(config);
        this.rng = fleet.rng;
    }

    /** Every story, healthy first, unknown last. */
    static List<Story> stories() {
        List<Story> all = new ArrayList<>();
        all.add(HEALTHY);
        all.addAll(PLANTED);
        all.add(UNKNOWN);
        return List.copyOf(all);
    }

    FleetPlan plan() {
        List<String> tenants = new ArrayList<>();
        for (int t = 0; t < c.tenants(); t++) {
            String tenant = String.format("t%02d", t + 1);
            tenants.add(tenant);
            int here = c.tokens() / c.tenants() + (t < c.tokens() % c.tenants() ? 1 : 0);
            planTenant(tenant, t + 1, here);
        }
        return fleet.toPlan(tenants);
    }

    private void planTenant(String tenant, int tenantNo, int tokens) {
        TenantServices services = TenantServices.of(tenant, tenantNo,
                services(tenant, tenantNo, Math.max(4, Math.min(SERVICE_NAMES.length, tokens / 25))));
        List<Story> roles = roles(tokens);
        for (int i = 0; i < roles.size(); i++) {
            roles.get(i).plan(fleet, services, tenant + "-" + String.format("%05d", i));
        }
        int unknown = Math.max(1, (int) Math.round(tokens * UNKNOWN.share()));
        for (int i = 0; i < unknown; i++) {
            UNKNOWN.plan(fleet, services, tenant + "-ghost-" + String.format("%05d", i));
        }
    }

    private List<Service> services(String tenant, int tenantNo, int count) {
        List<Service> out = new ArrayList<>();
        long start = fleet.start;
        int migrating = Math.max(1, count / 3);
        for (int i = 0; i < count; i++) {
            String name = SERVICE_NAMES[i % SERVICE_NAMES.length] + (i >= SERVICE_NAMES.length ? "-" + (i / SERVICE_NAMES.length) : "");
            List<String> pool = List.of(name + ":read", name + ":list", name + ":write", name + ":delete", name + ":admin");
            String v1 = "1." + rng.nextInt(10);
            String v2 = null;
            long migrateAt = NONE;
            long retireAt = NONE;
            if (i < migrating) {
                // v2 rolls out; healthy tokens rotate to v2 within hours and the old ones are revoked a day later;
                // v1 retires the day after that, a day after the revocations it relies on.
                int day = 2 + rng.nextInt(c.days() - 5);
                migrateAt = rng.secondBetween(start + day * DAY + HOUR, start + day * DAY + 8 * HOUR);
                retireAt = rng.secondBetween(start + (day + 2) * DAY + HOUR, start + (day + 2) * DAY + 6 * HOUR);
                v2 = "2." + rng.nextInt(10);
            }
            String network = "10." + tenantNo + "." + (i + 1);
            Service s = new Service(tenant, name, i, v1, v2, migrateAt, retireAt, network, name + "-client/" + v1.charAt(0), pool);
            out.add(s);
            fleet.deploy(new Deployment(rng.secondBetween(start, start + 10 * MINUTE), tenant, name, v1, DeploymentType.DEPLOYED));
            if (s.migrates()) {
                fleet.deploy(new Deployment(migrateAt, tenant, name, v2, DeploymentType.DEPLOYED));
                fleet.deploy(new Deployment(retireAt, tenant, name, v1, DeploymentType.RETIRED));
            }
        }
        return out;
    }

    private List<Story> roles(int tokens) {
        List<Story> roles = new ArrayList<>();
        for (Story s : PLANTED) {
            long n = Math.max(1, Math.round(tokens * s.share()));
            for (int i = 0; i < n; i++) {
                roles.add(s);
            }
        }
        while (roles.size() < tokens) {
            roles.add(HEALTHY);
        }
        // Fisher-Yates with our generator: the order decides ids, and must not depend on Collections.shuffle's internals.
        for (int i = roles.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Story tmp = roles.get(i);
            roles.set(i, roles.get(j));
            roles.set(j, tmp);
        }
        return roles.subList(0, tokens);
    }

    static Map<String, Integer> storyCounts(FleetPlan plan) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TokenPlan p : plan.tokens()) {
            counts.merge(p.story, 1, Integer::sum);
        }
        return counts;
    }
}
