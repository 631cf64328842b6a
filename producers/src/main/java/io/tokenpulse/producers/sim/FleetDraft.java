package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet plan while it is drawn up: the one generator the planner and every story draw from, in a fixed order
 * (the order is part of the output: same seed, same bytes), the run's window, what has been planned so far, and
 * the helpers the stories share.
 */
final class FleetDraft {
    private static final String[] ISSUERS = {"vault", "aws-iam", "github", "internal"};
    private static final long[] LIFETIMES = {10 * DAY, 14 * DAY, 21 * DAY, 30 * DAY};

    private final SimConfig config;
    final Rng rng;
    final long start;
    final long end;
    /** Where the truth stops ({@link SimConfig#truthUntilMs()}); designed deadlines fall before it. */
    final long until;
    private final List<TokenPlan> plans = new ArrayList<>();
    private final Map<String, TokenPlan> byId = new HashMap<>();
    private final List<Deployment> deployments = new ArrayList<>();
    private final List<IncidentPlan> incidents = new ArrayList<>();
    private final List<TruthEntry> designed = new ArrayList<>();

    FleetDraft(SimConfig config) {
        this.config = config;
        this.rng = new Rng(config.seed(), 1);
        this.start = config.startMs();
        this.end = config.endMs();
        this.until = config.truthUntilMs();
    }

    FleetPlan toPlan(List<String> tenants) {
        return new FleetPlan(config, List.copyOf(tenants), List.copyOf(plans), Map.copyOf(byId), List.copyOf(deployments),
                List.copyOf(incidents), List.copyOf(designed));
    }

    void deploy(Deployment d) {
        deployments.add(d);
    }

    void incident(IncidentPlan i) {
        incidents.add(i);
    }

    /** A token bound to {@code s} at {@code version}, with no step yet. */
    TokenPlan newPlan(String id, Service s, String story, String version) {
        TokenPlan p = new TokenPlan(plans.size(), id, s.tenant(), story, s.owner(), s.name(), version,
                ISSUERS[Math.floorMod(id.hashCode(), ISSUERS.length)]);
        register(p);
        return p;
    }

    /** A token no lifecycle event will ever name: no owner, principal, version or issuer. */
    TokenPlan unnamed(String id, String tenant, String story) {
        TokenPlan p = new TokenPlan(plans.size(), id, tenant, story, null, null, null, null);
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
    TokenPlan single(Service s, String id, Story story, List<String> scopes, long issue, long expires) {
        TokenPlan p = newPlan(id, s, story.label(), s.v1());
        p.step(issue, LifecycleType.ISSUED, scopes, dodge(issue, expires), null, NONE, null);
        return p;
    }

    /** A steady client of the token's own service. */
    Segment segment(Service s, String version, List<String> scopes, long from, long to, int perDay, boolean cover) {
        return new Segment(from, Math.min(to, end), s.name(), version, scopes, s.network(), s.userAgent(), perDay, 12, cover);
    }

    /** Clients of injected tokens stop before the token expires: a story must not also use an expired token. */
    Segment clip(TokenPlan p, Segment seg) {
        long e = p.finalExpiresAt();
        return e == NONE || seg.to() < e ? seg : seg.withTo(e - rng.secondBetween(HOUR, 6 * HOUR));
    }

    /**
     * A state condition only the story's intent can name (UNUSED_TOKEN, OVER_PRIVILEGED, RETIRED_VERSION_TOKEN),
     * kept when it falls inside the truth window while the token is active.
     */
    void design(TokenPlan p, AlertType type, long at) {
        if (at <= until && p.activeAt(at)) {
            designed.add(new TruthEntry(type, p.tenant, p.id, at, p.story));
        }
    }

    /**
     * Keeps an expiry (and its warning two days earlier) out of [end - 1.5 d, end + 3 d]: there the pipeline's
     * event time runs out while the truth window has already closed, so such a deadline would be neither
     * reliably alerted nor reliably not. Later when the lifetime allows, else earlier.
     */
    long dodge(long issue, long expires) {
        if (expires == NONE || expires < end - 3 * DAY / 2 || expires > end + 3 * DAY) {
            return expires;
        }
        long later = end + 3 * DAY + HOUR;
        return later - issue <= SimPolicy.MAXL ? later : end - 3 * DAY / 2 - HOUR;
    }

    /** An issue time in the first hours of the run. */
    long early() {
        return rng.secondBetween(start + 10 * MINUTE, start + 6 * HOUR);
    }

    long randomLifetime() {
        return LIFETIMES[rng.nextInt(LIFETIMES.length)];
    }

    /** A first expiry early enough that the first rotation, and what goes wrong after it, happen inside the truth window. */
    long shortLifetime(long issue) {
        long latest = Math.max(6 * DAY, until - DAY - issue);
        return rng.secondBetween(6 * DAY, Math.min(latest, SimPolicy.MAXL));
    }
}
