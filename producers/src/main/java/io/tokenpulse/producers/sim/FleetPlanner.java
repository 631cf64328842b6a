package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.SimPolicy.O;
import static io.tokenpulse.producers.sim.SimPolicy.U;
import static io.tokenpulse.producers.sim.SimPolicy.W;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides the fleet: tenants, services (some migrate to a new version and retire the old one), and one story per
 * token. Stories are kept apart on purpose: a forgotten token is used in all its scopes until it is forgotten, so
 * it is never also over-privileged; injected tokens live on services that do not migrate, so they are never
 * also bound to a retired version; every deadline of a story lies at least a day (one publishing chunk) after the
 * cross-partition fact it depends on (a replacement, a revocation), and no deadline falls in the last simulated
 * day, where the pipeline's event time stops.
 */
final class FleetPlanner {
    private static final String[] SERVICE_NAMES = {"checkout", "billing", "search", "ledger", "inventory", "payments",
        "reports", "mailer", "auth", "catalog", "shipping", "pricing", "analytics", "notify", "gateway", "users"};
    private static final String[] ISSUERS = {"vault", "aws-iam", "github", "internal"};
    private static final List<String> PROBED = List.of("%s:admin", "%s:delete", "iam:CreateUser", "secrets:read",
            "org:admin", "s3:ListAllMyBuckets");
    private static final long[] LIFETIMES = {10 * DAY, 14 * DAY, 21 * DAY, 30 * DAY};

    /** The stories and the share of the initial tokens each gets; the rest are healthy. */
    enum Story {
        HEALTHY(0), FORGOTTEN(0.05), OVER_GRANTED(0.05), CREEP_CHANGE(0.025), CREEP_ROTATE(0.025),
        PRINCIPAL_MIX(0.04), VERSION_MIX(0.04), RETIRED_LEFT(0.04), STALE_REVOKED(0.04), STALE_EXPIRED(0.04),
        EXPIRING(0.04), POLICY_VIOLATION(0.05), COMPROMISE(0.04);

        final double share;

        Story(double share) {
            this.share = share;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** How a lineage's first rotation goes wrong (or not). */
    enum Stale { NONE, AFTER_REVOKE, AFTER_EXPIRY }

    static final double UNKNOWN_SHARE = 0.02;

    private final SimConfig c;
    private final Rng rng;
    private final long start;
    private final long end;
    private final long until;
    private final List<TokenPlan> plans = new ArrayList<>();
    private final Map<String, TokenPlan> byId = new HashMap<>();
    private final List<Deployment> deployments = new ArrayList<>();
    private final List<IncidentPlan> incidents = new ArrayList<>();
    private final List<TruthEntry> designed = new ArrayList<>();

    FleetPlanner(SimConfig config) {
        this.c = config;
        this.rng = new Rng(config.seed(), 1);
        this.start = config.startMs();
        this.end = config.endMs();
        this.until = config.truthUntilMs();
    }

    FleetPlan plan() {
        List<String> tenants = new ArrayList<>();
        for (int t = 0; t < c.tenants(); t++) {
            String tenant = String.format("t%02d", t + 1);
            tenants.add(tenant);
            int here = c.tokens() / c.tenants() + (t < c.tokens() % c.tenants() ? 1 : 0);
            planTenant(tenant, t + 1, here);
        }
        return new FleetPlan(c, List.copyOf(tenants), List.copyOf(plans), Map.copyOf(byId), List.copyOf(deployments),
                List.copyOf(incidents), List.copyOf(designed));
    }

    private void planTenant(String tenant, int tenantNo, int tokens) {
        List<Service> services = services(tenant, tenantNo, Math.max(4, Math.min(SERVICE_NAMES.length, tokens / 25)));
        List<Service> steady = services.stream().filter(s -> !s.migrates()).toList();
        List<Service> migrating = services.stream().filter(Service::migrates).toList();
        List<Story> roles = roles(tokens);
        for (int i = 0; i < roles.size(); i++) {
            Story story = roles.get(i);
            String base = tenant + "-" + String.format("%05d", i);
            switch (story) {
                case HEALTHY -> {
                    Service s = rng.pick(services);
                    long issue = rng.chance(0.85) ? early() : rng.secondBetween(start + HOUR, until - DAY);
                    lineage(s, base, story.label(), s.baseScopes().subList(0, 1 + rng.nextInt(3)), issue, randomLifetime(), Stale.NONE, null);
                }
                case FORGOTTEN -> forgotten(rng.pick(steady), base);
                case OVER_GRANTED -> overGranted(rng.pick(steady), base);
                case CREEP_CHANGE -> creepChange(rng.pick(steady), base);
                case CREEP_ROTATE -> {
                    Service s = rng.pick(steady);
                    long issue = early();
                    lineage(s, base, story.label(), s.baseScopes().subList(0, 1 + rng.nextInt(2)), issue, shortLifetime(issue),
                            Stale.NONE, rng.pick(s.powerScopes()));
                }
                case PRINCIPAL_MIX -> principalMix(rng.pick(steady), services, base);
                case VERSION_MIX -> versionMix(rng.pick(steady), base);
                case RETIRED_LEFT -> retiredLeft(migrating, services, base);
                case STALE_REVOKED -> {
                    Service s = rng.pick(steady);
                    long issue = early();
                    lineage(s, base, story.label(), s.baseScopes().subList(0, 1 + rng.nextInt(3)), issue, shortLifetime(issue),
                            Stale.AFTER_REVOKE, null);
                }
                case STALE_EXPIRED -> {
                    Service s = rng.pick(steady);
                    long issue = early();
                    lineage(s, base, story.label(), s.baseScopes().subList(0, 1 + rng.nextInt(3)), issue, shortLifetime(issue),
                            Stale.AFTER_EXPIRY, null);
                }
                case EXPIRING -> expiring(rng.pick(steady), base);
                case POLICY_VIOLATION -> policyViolation(rng.pick(steady), base);
                case COMPROMISE -> compromise(rng.pick(steady), base);
                default -> throw new IllegalStateException("no plan for " + story);
            }
        }
        int unknown = Math.max(1, (int) Math.round(tokens * UNKNOWN_SHARE));
        for (int i = 0; i < unknown; i++) {
            unknown(rng.pick(services), tenant + "-ghost-" + String.format("%05d", i), tenantNo);
        }
    }

    // ---- fleet structure --------------------------------------------------------------------------

    private List<Service> services(String tenant, int tenantNo, int count) {
        List<Service> out = new ArrayList<>();
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
                // v1 retires the day after that, in a later publishing chunk than the revocations it relies on.
                int day = 2 + rng.nextInt(c.days() - 5);
                migrateAt = rng.secondBetween(start + day * DAY + HOUR, start + day * DAY + 8 * HOUR);
                retireAt = rng.secondBetween(start + (day + 2) * DAY + HOUR, start + (day + 2) * DAY + 6 * HOUR);
                v2 = "2." + rng.nextInt(10);
            }
            String network = "10." + tenantNo + "." + (i + 1);
            Service s = new Service(tenant, name, i, v1, v2, migrateAt, retireAt, network, name + "-client/" + v1.charAt(0), pool);
            out.add(s);
            deployments.add(new Deployment(rng.secondBetween(start, start + 10 * MINUTE), tenant, name, v1, DeploymentType.DEPLOYED));
            if (s.migrates()) {
                deployments.add(new Deployment(migrateAt, tenant, name, v2, DeploymentType.DEPLOYED));
                deployments.add(new Deployment(retireAt, tenant, name, v1, DeploymentType.RETIRED));
            }
        }
        return out;
    }

    private List<Story> roles(int tokens) {
        List<Story> roles = new ArrayList<>();
        for (Story s : Story.values()) {
            if (s != Story.HEALTHY) {
                long n = Math.max(1, Math.round(tokens * s.share));
                for (int i = 0; i < n; i++) {
                    roles.add(s);
                }
            }
        }
        while (roles.size() < tokens) {
            roles.add(Story.HEALTHY);
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

    // ---- stories ----------------------------------------------------------------------------------

    /**
     * A token and the tokens that replace it, one after another: used in all its scopes every day, renewed or
     * rotated two days before its expiry warning (so the replacement's link is there a publishing chunk early),
     * moved to v2 when its service migrates, the old token revoked a day after the rotation. {@code stale} and
     * {@code creepScope} spoil the first rotation only.
     */
    private TokenPlan lineage(Service s, String baseId, String label, List<String> scopes, long issue, long lifetime,
                              Stale stale, String creepScope) {
        String version = s.versionAt(issue);
        TokenPlan x = newPlan(baseId, s, label, version);
        long e = dodge(issue, issue + lifetime);
        x.step(issue, LifecycleType.ISSUED, scopes, e, null, NONE, null);
        TokenPlan first = x;
        int usesPerDay = scopes.size() + rng.nextInt(4);
        long useFrom = issue + rng.secondBetween(5 * MINUTE, 2 * HOUR);
        long issuedAt = issue;
        int generation = 0;
        while (true) {
            long migration = s.migrates() && version.equals(s.v1()) && s.migrateAt() > issuedAt
                    ? s.migrateAt() + rng.secondBetween(10 * MINUTE, 4 * HOUR) : NONE;
            long byExpiry = e == NONE ? NONE : e - W - 2 * DAY;
            long next = migration != NONE && (byExpiry == NONE || migration < byExpiry) ? migration : byExpiry;
            if (next == NONE || next >= until) {
                x.segments.add(segment(s, version, scopes, useFrom, end, usesPerDay, true));
                return first;
            }
            boolean spoilt = generation == 0 && (stale != Stale.NONE || creepScope != null);
            if (next == byExpiry && !spoilt && rng.chance(0.4)) {
                long renewAt = e - W - DAY;
                long renewed = dodge(issuedAt, Math.min(issuedAt + SimPolicy.MAXL, e + randomLifetime()));
                if (renewed > e + 3 * DAY && renewed - issuedAt <= SimPolicy.MAXL) {
                    x.step(renewAt, LifecycleType.RENEWED, List.of(), renewed, null, NONE, null);
                    e = renewed;
                    continue;
                }
            }
            long rotateAt = next;
            String newVersion = s.versionAt(rotateAt);
            List<String> newScopes = scopes;
            if (generation == 0 && creepScope != null) {
                newScopes = new ArrayList<>(scopes);
                newScopes.add(creepScope);
                newScopes = List.copyOf(newScopes);
            }
            TokenPlan y = newPlan(baseId + "-r" + (generation + 1), s, label + "-rotated", newVersion);
            long eY = dodge(rotateAt, rotateAt + randomLifetime());
            y.step(rotateAt, LifecycleType.ROTATED, newScopes, eY, x.id, NONE, "planned rotation");
            long adopt = rotateAt + rng.secondBetween(HOUR, 6 * HOUR);
            long revokeAt = rotateAt + DAY;
            Stale how = generation == 0 ? stale : Stale.NONE;
            switch (how) {
                case NONE -> {
                    x.segments.add(segment(s, version, scopes, useFrom, adopt, usesPerDay, true));
                    x.step(revokeAt, LifecycleType.REVOKED, List.of(), NONE, null, NONE, "rotated out");
                }
                case AFTER_REVOKE -> {
                    // A client nobody moved keeps calling with the old token after it is revoked.
                    long giveUp = Math.min(end, revokeAt + rng.secondBetween(3 * HOUR, 2 * DAY));
                    x.segments.add(segment(s, version, scopes, useFrom, giveUp, usesPerDay, true));
                    x.step(revokeAt, LifecycleType.REVOKED, List.of(), NONE, null, NONE, "rotated out");
                    staleCall(x, s, version, scopes, revokeAt, giveUp);
                }
                case AFTER_EXPIRY -> {
                    // Nobody revokes the old token; its forgotten client works until it expires, then fails.
                    long giveUp = Math.min(end, e + rng.secondBetween(3 * HOUR, 2 * DAY));
                    x.segments.add(segment(s, version, scopes, useFrom, giveUp, usesPerDay, true));
                    staleCall(x, s, version, scopes, e, giveUp);
                }
            }
            x = y;
            version = newVersion;
            scopes = newScopes;
            issuedAt = rotateAt;
            e = eY;
            useFrom = adopt;
            generation++;
        }
    }

    /** One call of the stale client soon after its token ended, so the story shows whatever the day's draws are. */
    private void staleCall(TokenPlan x, Service s, String version, List<String> scopes, long ended, long giveUp) {
        long at = Math.min(giveUp - 1, ended + rng.secondBetween(10 * MINUTE, 2 * HOUR) + 77);
        if (at >= ended && at < end) {
            io.tokenpulse.avro.UsageOutcome outcome = x.revokedAt() != NONE && at >= x.revokedAt()
                    ? io.tokenpulse.avro.UsageOutcome.DENIED_REVOKED : io.tokenpulse.avro.UsageOutcome.DENIED_EXPIRED;
            x.uses.add(new ExplicitUse(at, scopes.get(0), outcome, s.name(), version, s.network() + "." + (1 + rng.nextInt(250)),
                    s.userAgent(), 1));
        }
    }

    /** UNUSED_TOKEN: never used, or used in all scopes until one instant and never again. */
    private void forgotten(Service s, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        if (rng.chance(0.5)) {
            long issue = rng.secondBetween(start + 10 * MINUTE, until - U - HOUR);
            TokenPlan p = single(s, id, Story.FORGOTTEN, scopes, issue, issue + 30 * DAY);
            design(p, AlertType.UNUSED_TOKEN, issue + U);
            return;
        }
        long issue = early();
        TokenPlan p = single(s, id, Story.FORGOTTEN, scopes, issue, issue + 30 * DAY);
        long stop = rng.secondBetween(issue + DAY, Math.max(issue + DAY, until - U - HOUR)) + 500;
        p.segments.add(segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), stop, scopes.size() + 2, true));
        // The last call in every scope at one instant: after it the scopes fall out of the observation window
        // together, so the token goes from "used" to "unused" without a moment of being over-privileged.
        for (String scope : scopes) {
            p.uses.add(new ExplicitUse(stop, scope, io.tokenpulse.avro.UsageOutcome.ALLOWED, s.name(), s.v1(),
                    s.network() + "." + (1 + rng.nextInt(250)), s.userAgent(), 1));
        }
        design(p, AlertType.UNUSED_TOKEN, stop + U);
    }

    /** OVER_PRIVILEGED: granted extra, powerful scopes it never uses; used daily in the others. */
    private void overGranted(Service s, String id) {
        List<String> used = s.baseScopes().subList(0, 1 + rng.nextInt(2));
        List<String> granted = new ArrayList<>(used);
        granted.addAll(s.powerScopes().subList(0, 1 + rng.nextInt(2)));
        long issue = rng.chance(0.6) ? early() : rng.secondBetween(start + HOUR, until - O - HOUR);
        TokenPlan p = single(s, id, Story.OVER_GRANTED, granted, issue, issue + pickLifetime(21 * DAY, 30 * DAY));
        p.segments.add(clip(p, segment(s, s.v1(), used, issue + rng.secondBetween(5 * MINUTE, 2 * HOUR), end,
                used.size() + rng.nextInt(3), true)));
        design(p, AlertType.OVER_PRIVILEGED, issue + O);
    }

    /** SCOPE_CREEP by SCOPES_CHANGED: a powerful scope added to a healthy token, and used from then on. */
    private void creepChange(Service s, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = early();
        TokenPlan p = single(s, id, Story.CREEP_CHANGE, scopes, issue, issue + 30 * DAY);
        long change = rng.secondBetween(issue + DAY, until - DAY);
        List<String> wider = new ArrayList<>(scopes);
        wider.add(rng.pick(s.powerScopes()));
        p.step(change, LifecycleType.SCOPES_CHANGED, wider, NONE, null, NONE, "access request");
        int perDay = wider.size() + rng.nextInt(3);
        p.segments.add(segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), change, perDay, true));
        p.segments.add(clip(p, segment(s, s.v1(), wider, change + rng.secondBetween(MINUTE, HOUR), end, perDay, true)));
    }

    /** PRINCIPAL_MISMATCH: another service of the tenant borrows the token for a while. */
    private void principalMix(Service s, List<Service> services, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = early();
        TokenPlan p = single(s, id, Story.PRINCIPAL_MIX, scopes, issue, issue + 30 * DAY);
        p.segments.add(clip(p, segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), end,
                scopes.size() + rng.nextInt(3), true)));
        Service other = services.get((s.index() + 1 + rng.nextInt(services.size() - 1)) % services.size());
        long from = rng.secondBetween(issue + DAY, until - 2 * DAY);
        long to = from + rng.secondBetween(2 * HOUR, 36 * HOUR);
        p.segments.add(clip(p, new Segment(from, to, other.name(), other.versionAt(from), scopes.subList(0, 1), other.network(),
                other.userAgent(), 6, 12, false)));
    }

    /** VERSION_MISMATCH: a straggler instance of an old version of the right service uses the token. */
    private void versionMix(Service s, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = early();
        TokenPlan p = single(s, id, Story.VERSION_MIX, scopes, issue, issue + 30 * DAY);
        p.segments.add(clip(p, segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), end,
                scopes.size() + rng.nextInt(3), true)));
        long from = rng.secondBetween(issue + DAY, until - 2 * DAY);
        String old = rng.chance(0.5) ? "0." + (1 + rng.nextInt(9)) : s.v1() + "-canary";
        p.segments.add(clip(p, new Segment(from, from + rng.secondBetween(HOUR, DAY), s.name(), old, scopes, s.network(),
                s.userAgent(), 4, 12, false)));
    }

    /**
     * RETIRED_VERSION_TOKEN: a v1 token left behind when its service moved to v2, still used by a v1 straggler.
     * It stays active for two days after the retirement: the retirement reaches the token through two repartition
     * hops, by when the token's partition may be a publishing chunk further on; a token that expired in between
     * would never be told while active (see docs/SIMULATION.md). Without such a service it is a healthy token.
     */
    private void retiredLeft(List<Service> migrating, List<Service> services, String base) {
        long issue = early();
        long expires = dodge(issue, issue + 30 * DAY);
        List<Service> fitting = migrating.stream().filter(m -> m.retireAt() + 2 * DAY <= expires).toList();
        if (fitting.isEmpty()) {
            Service any = rng.pick(services);
            lineage(any, base, Story.HEALTHY.label(), any.baseScopes().subList(0, 1), issue, randomLifetime(), Stale.NONE, null);
            return;
        }
        Service s = rng.pick(fitting);
        String id = base;
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        TokenPlan p = single(s, id, Story.RETIRED_LEFT, scopes, issue, issue + 30 * DAY);
        p.segments.add(clip(p, segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), end,
                scopes.size() + rng.nextInt(3), true)));
        design(p, AlertType.RETIRED_VERSION_TOKEN, s.retireAt());
    }

    /** EXPIRING_UNREPLACED: expires inside the run; its service stops using it shortly before, nobody replaces it. */
    private void expiring(Service s, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = early();
        long expires = rng.secondBetween(issue + 6 * DAY, Math.max(issue + 6 * DAY, end - 3 * DAY / 2 - HOUR));
        TokenPlan p = single(s, id, Story.EXPIRING, scopes, issue, expires);
        p.segments.add(segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR),
                p.finalExpiresAt() - rng.secondBetween(HOUR, 12 * HOUR), scopes.size() + rng.nextInt(3), true));
    }

    /** EXPIRY_POLICY_VIOLATION: no expiry, a lifetime above the maximum, or a renewal that pushes it past. */
    private void policyViolation(Service s, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = rng.chance(0.5) ? early() : rng.secondBetween(start + HOUR, until - DAY);
        long far = Math.max(end + 3 * DAY + HOUR, issue + 45 * DAY) + rng.secondBetween(0, 300 * DAY);
        TokenPlan p = newPlan(id, s, Story.POLICY_VIOLATION.label(), s.v1());
        switch (rng.nextInt(3)) {
            case 0 -> p.step(issue, LifecycleType.ISSUED, scopes, NONE, null, NONE, "no expiry");
            case 1 -> p.step(issue, LifecycleType.ISSUED, scopes, far, null, NONE, "long-lived");
            default -> {
                long e = issue + 14 * DAY;
                if (issue + 2 * DAY > until - DAY) {
                    p.step(issue, LifecycleType.ISSUED, scopes, NONE, null, NONE, "no expiry");
                } else {
                    p.step(issue, LifecycleType.ISSUED, scopes, e, null, NONE, null);
                    long renew = rng.secondBetween(issue + 2 * DAY, Math.min(issue + 10 * DAY, until - DAY));
                    p.step(renew, LifecycleType.RENEWED, List.of(), far, null, NONE, "renewed past the maximum");
                }
            }
        }
        p.segments.add(segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), end,
                scopes.size() + rng.nextInt(3), true));
    }

    /**
     * A leak: exposure, then (mostly) an attacker from a new network who probes scopes and pulls a burst of data,
     * a COMPROMISED report, revocation and a replacement adopted after a delay. Responses: within the SLA (the
     * replacement lands in the same publishing chunk as the detection, a chunk before the deadline), late (both
     * after the deadline), or revoked and never replaced.
     */
    private void compromise(Service s, String id) {
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = early();
        TokenPlan x = single(s, id, Story.COMPROMISE, scopes, issue, issue + 30 * DAY);
        long exposed = rng.secondBetween(issue + 5 * DAY / 2, Math.max(issue + 5 * DAY / 2, until - 4 * DAY));
        boolean attacker = rng.chance(0.8);
        long detected;
        long reported;
        String attackerIp = (rng.chance(0.5) ? "203.0.113." : "198.51.100.") + (1 + rng.nextInt(250));
        String agent = rng.chance(0.5) ? "curl/8.5.0" : "python-requests/2.31";
        String attackerPrincipal = rng.chance(0.5) ? null : "ext-" + rng.nextInt(100);
        if (attacker) {
            detected = rng.secondBetween(exposed + HOUR, exposed + 12 * HOUR) + 250; // the first use: a NEW_SOURCE
            reported = rng.secondBetween(detected + HOUR, detected + 6 * HOUR);
            x.uses.add(new ExplicitUse(detected, scopes.get(0), io.tokenpulse.avro.UsageOutcome.ALLOWED, attackerPrincipal,
                    null, attackerIp, agent, 1));
            long probe = detected + rng.secondBetween(5 * MINUTE, 30 * MINUTE);
            for (int i = 0; i < 12; i++) {
                x.uses.add(new ExplicitUse(probe + i * 2_500L + 7, PROBED.get(i % PROBED.size()).replace("%s", s.name()),
                        io.tokenpulse.avro.UsageOutcome.DENIED_SCOPE, attackerPrincipal, null, attackerIp, agent, 1));
            }
            x.uses.add(new ExplicitUse(probe + rng.secondBetween(40 * MINUTE, 2 * HOUR) + 13, scopes.get(0),
                    io.tokenpulse.avro.UsageOutcome.ALLOWED, attackerPrincipal, null, attackerIp, agent, 200 + rng.nextInt(400)));
        } else {
            reported = rng.secondBetween(exposed + HOUR, exposed + 6 * HOUR);
            detected = reported;
        }
        boolean exposureKnown = !attacker || rng.chance(0.7);
        x.step(reported, LifecycleType.COMPROMISED, List.of(), NONE, null, exposureKnown ? exposed : NONE, "secret scanner");
        long dayEnd = Math.floorDiv(detected, DAY) * DAY + DAY;
        String response;
        long revokeAt;
        long replaceAt;
        if (dayEnd - reported >= 2 * HOUR && rng.chance(0.65)) {
            response = "within-sla";
            long latest = Math.min(dayEnd - 10 * MINUTE, reported + 12 * HOUR);
            revokeAt = rng.secondBetween(reported + 5 * MINUTE, latest);
            replaceAt = rng.secondBetween(reported + 10 * MINUTE, latest);
        } else if (rng.chance(0.6)) {
            response = "late";
            revokeAt = rng.secondBetween(detected + 26 * HOUR, detected + 36 * HOUR);
            replaceAt = rng.secondBetween(detected + 26 * HOUR, detected + 40 * HOUR);
        } else {
            response = "never-replaced";
            revokeAt = rng.secondBetween(reported + 10 * MINUTE, reported + 6 * HOUR);
            replaceAt = NONE;
        }
        x.step(revokeAt, LifecycleType.REVOKED, List.of(), NONE, null, NONE, "compromised");
        String replacement = null;
        long legitUntil;
        if (replaceAt != NONE) {
            TokenPlan y = lineage(s, id + "-n", "compromise-replacement", scopes, replaceAt, randomLifetime(), Stale.NONE, null);
            // lineage() issued it; make that issue a ROTATED that names the leaked token.
            LifecycleStep issued = y.steps.remove(0);
            y.step(issued.at(), LifecycleType.ROTATED, issued.scopes(), issued.expiresAt(), x.id, NONE, "replaces a leaked token");
            replacement = y.id;
            legitUntil = y.segments.isEmpty() ? replaceAt : y.segments.get(0).from();
        } else {
            legitUntil = revokeAt + rng.secondBetween(2 * HOUR, DAY);
        }
        // The owner's client keeps its old token until the replacement is adopted (denied once it is revoked).
        x.segments.add(segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), Math.min(end, legitUntil),
                scopes.size() + rng.nextInt(3), true));
        if (attacker) {
            long retry = revokeAt + rng.secondBetween(30 * MINUTE, 3 * HOUR) + 31;
            x.uses.add(new ExplicitUse(retry, scopes.get(0), io.tokenpulse.avro.UsageOutcome.DENIED_REVOKED,
                    attackerPrincipal, null, attackerIp, agent, 3));
            x.uses.add(new ExplicitUse(retry + rng.secondBetween(2 * HOUR, 4 * HOUR), scopes.get(0),
                    io.tokenpulse.avro.UsageOutcome.DENIED_REVOKED, attackerPrincipal, null, attackerIp, agent, 5));
        }
        incidents.add(new IncidentPlan(x.id, x.tenant, exposed, exposureKnown, reported, detected, revokeAt, replacement, response));
    }

    /** UNKNOWN_TOKEN_USED: a legacy job calls with a key no lifecycle event ever named, in one to three bursts. */
    private void unknown(Service s, String id, int tenantNo) {
        TokenPlan p = new TokenPlan(plans.size(), id, s.tenant(), "unknown", null, null, null, null);
        register(p);
        int bursts = 1 + rng.nextInt(3);
        String ip = "10." + tenantNo + ".250." + (1 + rng.nextInt(250));
        for (int b = 0; b < bursts; b++) {
            long at = rng.secondBetween(start + DAY, until - HOUR);
            int uses = 1 + rng.nextInt(4);
            for (int u = 0; u < uses; u++) {
                p.uses.add(new ExplicitUse(at + rng.secondBetween(0, 20 * MINUTE) + 1 + u, rng.pick(s.baseScopes()),
                        rng.chance(0.5) ? io.tokenpulse.avro.UsageOutcome.ALLOWED : io.tokenpulse.avro.UsageOutcome.DENIED_UNKNOWN,
                        "legacy-cron", null, ip, "legacy-cron/0.3", 1 + rng.nextInt(5)));
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private TokenPlan newPlan(String id, Service s, String story, String version) {
        TokenPlan p = new TokenPlan(plans.size(), id, s.tenant(), story, s.owner(), s.name(), version,
                ISSUERS[Math.floorMod(id.hashCode(), ISSUERS.length)]);
        register(p);
        return p;
    }

    private void register(TokenPlan p) {
        if (byId.putIfAbsent(p.id, p) != null) {
            throw new IllegalStateException("duplicate token id " + p.id);
        }
        plans.add(p);
    }

    /** One ISSUED token with an expiry kept out of the last days (see {@link #dodge}). */
    private TokenPlan single(Service s, String id, Story story, List<String> scopes, long issue, long expires) {
        TokenPlan p = newPlan(id, s, story.label(), s.v1());
        p.step(issue, LifecycleType.ISSUED, scopes, dodge(issue, expires), null, NONE, null);
        return p;
    }

    /** A steady client of the token's own service. */
    private Segment segment(Service s, String version, List<String> scopes, long from, long to, int perDay, boolean cover) {
        return new Segment(from, Math.min(to, end), s.name(), version, scopes, s.network(), s.userAgent(), perDay, 12, cover);
    }

    /** Clients of injected tokens stop before the token expires: a story must not also use an expired token. */
    private Segment clip(TokenPlan p, Segment seg) {
        long e = p.finalExpiresAt();
        return e == NONE || seg.to() < e ? seg : seg.withTo(e - rng.secondBetween(HOUR, 6 * HOUR));
    }

    private void design(TokenPlan p, AlertType type, long at) {
        if (at <= until && p.activeAt(at)) {
            designed.add(new TruthEntry(type, p.tenant, p.id, at, p.story));
        }
    }

    /**
     * Keeps an expiry (and its warning two days earlier) out of [end - 1.5 d, end + 3 d]: there the pipeline's
     * event time runs out while the truth window has already closed, so such a deadline would be neither
     * reliably alerted nor reliably not. Later when the lifetime allows, else earlier.
     */
    private long dodge(long issue, long expires) {
        if (expires == NONE || expires < end - 3 * DAY / 2 || expires > end + 3 * DAY) {
            return expires;
        }
        long later = end + 3 * DAY + HOUR;
        return later - issue <= SimPolicy.MAXL ? later : end - 3 * DAY / 2 - HOUR;
    }

    private long early() {
        return rng.secondBetween(start + 10 * MINUTE, start + 6 * HOUR);
    }

    private long randomLifetime() {
        return LIFETIMES[rng.nextInt(LIFETIMES.length)];
    }

    private long pickLifetime(long min, long max) {
        return rng.secondBetween(min, max);
    }

    /** A first expiry early enough that the first rotation, and what goes wrong after it, happen inside the truth window. */
    private long shortLifetime(long issue) {
        long latest = Math.max(6 * DAY, until - DAY - issue);
        return rng.secondBetween(6 * DAY, Math.min(latest, SimPolicy.MAXL));
    }

    static Map<String, Integer> storyCounts(FleetPlan plan) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TokenPlan p : plan.tokens()) {
            counts.merge(p.story, 1, Integer::sum);
        }
        return counts;
    }
}
