package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.adapters.CanonicalEvent;
import io.tokenpulse.schemas.TopicDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns the plans into the events of one UTC day. Lifecycle events sit on whole seconds and uses never do, so a
 * use and a lifecycle event of the same token never share a timestamp (the pipeline's order between two topics
 * at an equal time is not defined, and the truth must not depend on it).
 */
final class DayGenerator {
    /** Relative call volume by UTC hour: quiet nights, a working-day peak. */
    private static final double[] DIURNAL = {0.15, 0.1, 0.1, 0.1, 0.15, 0.25, 0.4, 0.6, 0.85, 1.0, 1.0, 0.95,
        0.9, 0.95, 1.0, 1.0, 0.9, 0.75, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2};

    private final FleetPlan plan;
    private final long seed;

    DayGenerator(FleetPlan plan) {
        this.plan = plan;
        this.seed = plan.config().seed();
    }

    /** The day's facts (policies on day 0, deployments, lifecycle) and its uses, each sorted by time. */
    Day day(int day) {
        long from = plan.config().startMs() + day * DAY;
        long to = from + DAY;
        List<SimEvent> facts = new ArrayList<>();
        List<SimEvent> uses = new ArrayList<>();
        if (day == 0) {
            for (String tenant : plan.tenants()) {
                TokenPolicy p = SimPolicy.forTenant(tenant, from);
                facts.add(new SimEvent(from, new CanonicalEvent(TopicDef.POLICIES, tenant, p)));
            }
        }
        for (Deployment d : plan.deployments()) {
            if (d.at() >= from && d.at() < to) {
                ServiceDeploymentEvent e = ServiceDeploymentEvent.newBuilder()
                        .setEventId(d.tenant() + "/" + d.service() + "@" + d.version() + ":" + d.type())
                        .setTenant(d.tenant()).setService(d.service()).setVersion(d.version()).setType(d.type())
                        .setOccurredAt(Instant.ofEpochMilli(d.at())).build();
                facts.add(new SimEvent(d.at(), new CanonicalEvent(TopicDef.DEPLOYMENTS,
                        CanonicalEvent.deploymentKey(d.tenant(), d.service(), d.version()), e)));
            }
        }
        for (TokenPlan p : plan.tokens()) {
            lifecycle(p, from, to, facts);
            explicitUses(p, from, to, uses);
            for (int s = 0; s < p.segments.size(); s++) {
                segmentUses(p, s, day, from, to, uses);
            }
        }
        Comparator<SimEvent> order = Comparator.comparingLong(SimEvent::at)
                .thenComparing(e -> e.event().topic()).thenComparing(e -> e.event().key())
                .thenComparing(DayGenerator::eventId);
        facts.sort(order);
        uses.sort(order);
        return new Day(day, from, facts, uses);
    }

    private static String eventId(SimEvent e) {
        Object v = e.event().value();
        if (v instanceof TokenUsageEvent u) {
            return u.getEventId();
        }
        if (v instanceof TokenLifecycleEvent l) {
            return l.getEventId();
        }
        return "";
    }

    private void lifecycle(TokenPlan p, long from, long to, List<SimEvent> out) {
        for (int i = 0; i < p.steps.size(); i++) {
            LifecycleStep s = p.steps.get(i);
            if (s.at() < from || s.at() >= to) {
                continue;
            }
            boolean grant = s.type() == LifecycleType.ISSUED || s.type() == LifecycleType.ROTATED;
            TokenLifecycleEvent e = TokenLifecycleEvent.newBuilder()
                    .setEventId(p.id + ":l" + i).setTokenId(p.id).setTenant(p.tenant).setType(s.type())
                    .setOccurredAt(Instant.ofEpochMilli(s.at()))
                    .setOwner(grant ? p.owner : null).setPrincipal(grant ? p.principal : null)
                    .setServiceVersion(grant ? p.version : null)
                    .setScopes(s.scopes())
                    .setExpiresAt(s.expiresAt() == NONE ? null : Instant.ofEpochMilli(s.expiresAt()))
                    .setReplacesTokenId(s.replacesTokenId())
                    .setExposedAt(s.exposedAt() == NONE ? null : Instant.ofEpochMilli(s.exposedAt()))
                    .setReason(s.reason()).setIssuer(p.issuer).setAttributes(Map.of("source", "simulator"))
                    .build();
            out.add(new SimEvent(s.at(), new CanonicalEvent(TopicDef.LIFECYCLE, p.id, e)));
        }
    }

    private void explicitUses(TokenPlan p, long from, long to, List<SimEvent> out) {
        for (int i = 0; i < p.uses.size(); i++) {
            ExplicitUse u = p.uses.get(i);
            if (u.at() >= from && u.at() < to && u.at() < plan.config().endMs()) {
                out.add(use(p, p.id + ":x" + i, u.at(), u.scope(), u.outcome(), u.principal(), u.version(), u.sourceIp(),
                        u.userAgent(), u.count()));
            }
        }
    }

    private void segmentUses(TokenPlan p, int segIndex, int day, long dayFrom, long dayTo, List<SimEvent> out) {
        Segment seg = p.segments.get(segIndex);
        long from = Math.max(seg.from(), dayFrom);
        long to = Math.min(seg.to(), dayTo);
        if (from >= to) {
            return;
        }
        Rng rng = new Rng(seed, p.index, segIndex, day);
        double share = (double) (to - from) / DAY;
        int n = (int) Math.round(seg.usesPerDay() * share);
        n = Math.max(n, seg.cover() ? seg.scopes().size() : 1);
        for (int k = 0; k < n; k++) {
            String scope = k < seg.scopes().size() && seg.cover() ? seg.scopes().get(k) : rng.pick(seg.scopes());
            long at = diurnal(rng, from, to);
            out.add(use(p, p.id + ":" + day + ":" + segIndex + ":" + k, at, scope, outcome(p, at), seg.principal(),
                    seg.version(), seg.network() + "." + (1 + rng.nextInt(250)), seg.userAgent(), 1 + rng.nextInt(seg.maxCount())));
        }
    }

    /** What a gateway answers at {@code at}: revoked wins over expired, as the contract orders REVOKED/EXPIRED_TOKEN_USED. */
    static UsageOutcome outcome(TokenPlan p, long at) {
        long revoked = p.revokedAt();
        if (revoked != NONE && at >= revoked) {
            return UsageOutcome.DENIED_REVOKED;
        }
        long expires = p.expiresAtAsOf(at);
        if (expires != NONE && at >= expires) {
            return UsageOutcome.DENIED_EXPIRED;
        }
        return UsageOutcome.ALLOWED;
    }

    /** A time in [from, to) weighted by the hour of day, with a non-zero millisecond part. */
    private static long diurnal(Rng rng, long from, long to) {
        long t = from;
        for (int tries = 0; tries < 8; tries++) {
            t = rng.between(from, to - 1);
            int hour = (int) (Math.floorMod(t, DAY) / 3_600_000L);
            if (rng.nextDouble() < DIURNAL[hour]) {
                break;
            }
        }
        t = t - Math.floorMod(t, 1000L) + 1 + rng.nextInt(999);
        return t >= to ? to - 1 : t;
    }

    private static SimEvent use(TokenPlan p, String eventId, long at, String scope, UsageOutcome outcome, String principal,
                                String version, String ip, String agent, int count) {
        TokenUsageEvent e = TokenUsageEvent.newBuilder()
                .setEventId(eventId).setTokenId(p.id).setTenant(p.tenant).setOccurredAt(Instant.ofEpochMilli(at))
                .setPrincipal(principal).setServiceVersion(version).setScope(scope).setOutcome(outcome)
                .setSourceIp(ip).setUserAgent(agent).setCount(count).build();
        return new SimEvent(at, new CanonicalEvent(TopicDef.USAGE, p.id, e));
    }

    /** One day: its facts and its uses, apart; the Simulator merges them in event-time order. */
    record Day(int index, long from, List<SimEvent> facts, List<SimEvent> uses) {
        int size() {
            return facts.size() + uses.size();
        }
    }
}
