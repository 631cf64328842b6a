package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.LifecycleType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything the simulator will ever emit about one token, decided before the first event is generated: its
 * lifecycle steps, the clients that use it (segments) and scripted uses. Days are then generated from the plans
 * one at a time, so memory holds the plans and one day of events, never the whole run.
 */
final class TokenPlan {
    static final long NONE = Long.MIN_VALUE;

    final int index;
    final String id;
    final String tenant;
    final String story;
    final String owner;
    final String principal;
    final String version;
    final String issuer;
    final List<LifecycleStep> steps = new ArrayList<>();
    final List<Segment> segments = new ArrayList<>();
    final List<ExplicitUse> uses = new ArrayList<>();

    TokenPlan(int index, String id, String tenant, String story, String owner, String principal, String version, String issuer) {
        this.index = index;
        this.id = id;
        this.tenant = tenant;
        this.story = story;
        this.owner = owner;
        this.principal = principal;
        this.version = version;
        this.issuer = issuer;
    }

    /** True for a token no lifecycle event names (a use of it is UNKNOWN_TOKEN_USED). */
    boolean unknown() {
        return steps.isEmpty();
    }

    TokenPlan step(long at, LifecycleType type, List<String> scopes, long expiresAt, String replaces, long exposedAt, String reason) {
        steps.add(new LifecycleStep(at, type, scopes, expiresAt, replaces, exposedAt, reason));
        steps.sort(Comparator.comparingLong(LifecycleStep::at));
        return this;
    }

    long issuedAt() {
        return firstOf(LifecycleType.ISSUED, LifecycleType.ROTATED);
    }

    long revokedAt() {
        return firstOf(LifecycleType.REVOKED);
    }

    /** The expiry in force at {@code t}: set by ISSUED/ROTATED, moved by RENEWED at or before {@code t}. */
    long expiresAtAsOf(long t) {
        long e = NONE;
        for (LifecycleStep s : steps) {
            if (s.at() > t) {
                break;
            }
            if (s.type() == LifecycleType.ISSUED || s.type() == LifecycleType.ROTATED || s.type() == LifecycleType.RENEWED) {
                e = s.expiresAt();
            }
        }
        return e;
    }

    /** The final expiry (after every renewal). */
    long finalExpiresAt() {
        return expiresAtAsOf(Long.MAX_VALUE);
    }

    /** The grant in force at {@code t}. */
    List<String> scopesAsOf(long t) {
        List<String> scopes = List.of();
        for (LifecycleStep s : steps) {
            if (s.at() > t) {
                break;
            }
            if (s.type() == LifecycleType.ISSUED || s.type() == LifecycleType.ROTATED || s.type() == LifecycleType.SCOPES_CHANGED) {
                scopes = s.scopes();
            }
        }
        return scopes;
    }

    String replacesTokenId() {
        for (LifecycleStep s : steps) {
            if (s.replacesTokenId() != null) {
                return s.replacesTokenId();
            }
        }
        return null;
    }

    /** Active per the contract at {@code t}: issued, not revoked, not past its expiry. */
    boolean activeAt(long t) {
        long issued = issuedAt();
        if (issued == NONE || t < issued) {
            return false;
        }
        long revoked = revokedAt();
        if (revoked != NONE && t >= revoked) {
            return false;
        }
        long e = expiresAtAsOf(t);
        return e == NONE || t < e;
    }

    private long firstOf(LifecycleType... types) {
        for (LifecycleStep s : steps) {
            for (LifecycleType type : types) {
                if (s.type() == type) {
                    return s.at();
                }
            }
        }
        return NONE;
    }
}
