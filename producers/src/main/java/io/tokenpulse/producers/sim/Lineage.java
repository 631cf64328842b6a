package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.SimPolicy.W;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.UsageOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * A token and the tokens that replace it, one after another: used in all its scopes every day, renewed or
 * rotated two days before its expiry warning (so the replacement's link is there well before the warning it
 * cancels), moved to v2 when its service migrates, the old token revoked a day after the rotation. The healthy
 * story is one; others spoil its first rotation ({@link Stale}, a crept scope) or start one as a replacement.
 */
final class Lineage {
    /** How a lineage's first rotation goes wrong (or not). */
    enum Stale { NONE, AFTER_REVOKE, AFTER_EXPIRY }

    private Lineage() {
    }

    /**
     * Plans the lineage; its rotated tokens get {@code label}-rotated. {@code stale} and {@code creepScope} spoil
     * the first rotation only. Returns the first token.
     */
    static TokenPlan plan(FleetDraft f, Service s, String baseId, String label, List<String> scopes, long issue,
                          long lifetime, Stale stale, String creepScope) {
        Rng rng = f.rng;
        String version = s.versionAt(issue);
        TokenPlan x = f.newPlan(baseId, s, label, version);
        long e = f.dodge(issue, issue + lifetime);
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
            if (next == NONE || next >= f.until) {
                x.segments.add(f.segment(s, version, scopes, useFrom, f.end, usesPerDay, true));
                return first;
            }
            boolean spoilt = generation == 0 && (stale != Stale.NONE || creepScope != null);
            if (next == byExpiry && !spoilt && rng.chance(0.4)) {
                long renewAt = e - W - DAY;
                long renewed = f.dodge(issuedAt, Math.min(issuedAt + SimPolicy.MAXL, e + f.randomLifetime()));
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
            TokenPlan y = f.newPlan(baseId + "-r" + (generation + 1), s, label + "-rotated", newVersion);
            long eY = f.dodge(rotateAt, rotateAt + f.randomLifetime());
            y.step(rotateAt, LifecycleType.ROTATED, newScopes, eY, x.id, NONE, "planned rotation");
            long adopt = rotateAt + rng.secondBetween(HOUR, 6 * HOUR);
            long revokeAt = rotateAt + DAY;
            Stale how = generation == 0 ? stale : Stale.NONE;
            switch (how) {
                case NONE -> {
                    x.segments.add(f.segment(s, version, scopes, useFrom, adopt, usesPerDay, true));
                    x.step(revokeAt, LifecycleType.REVOKED, List.of(), NONE, null, NONE, "rotated out");
                }
                case AFTER_REVOKE -> {
                    // A client nobody moved keeps calling with the old token after it is revoked.
                    long giveUp = Math.min(f.end, revokeAt + rng.secondBetween(3 * HOUR, 2 * DAY));
                    x.segments.add(f.segment(s, version, scopes, useFrom, giveUp, usesPerDay, true));
                    x.step(revokeAt, LifecycleType.REVOKED, List.of(), NONE, null, NONE, "rotated out");
                    staleCall(f, x, s, version, scopes, revokeAt, giveUp);
                }
                case AFTER_EXPIRY -> {
                    // Nobody revokes the old token; its forgotten client works until it expires, then fails.
                    long giveUp = Math.min(f.end, e + rng.secondBetween(3 * HOUR, 2 * DAY));
                    x.segments.add(f.segment(s, version, scopes, useFrom, giveUp, usesPerDay, true));
                    staleCall(f, x, s, version, scopes, e, giveUp);
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
    private static void staleCall(FleetDraft f, TokenPlan x, Service s, String version, List<String> scopes, long ended,
                                  long giveUp) {
        long at = Math.min(giveUp - 1, ended + f.rng.secondBetween(10 * MINUTE, 2 * HOUR) + 77);
        if (at >= ended && at < f.end) {
            UsageOutcome outcome = x.revokedAt() != NONE && at >= x.revokedAt()
                    ? UsageOutcome.DENIED_REVOKED : UsageOutcome.DENIED_EXPIRED;
            x.uses.add(new ExplicitUse(at, scopes.get(0), outcome, s.name(), version,
                    s.network() + "." + (1 + f.rng.nextInt(250)), s.userAgent(), 1));
        }
    }
}
