package io.tokenpulse.app.detect;

import io.tokenpulse.avro.state.TokenActivity;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.avro.state.TokenStatus;
import java.time.Instant;

/**
 * One token as the detectors see it: its lifecycle state and its activity, with SPEC's words
 * ("known", "active") as methods. Times are epoch milliseconds of event time.
 */
public final class Token {
    public static final long NONE = Long.MIN_VALUE;

    private final TokenState state;
    private final TokenActivity activity;

    public Token(TokenState state) {
        this.state = state;
        if (state.getActivity() == null) {
            state.setActivity(TokenActivity.newBuilder().build());
        }
        this.activity = state.getActivity();
    }

    public TokenState state() {
        return state;
    }

    public TokenActivity activity() {
        return activity;
    }

    public String id() {
        return state.getTokenId();
    }

    public String tenant() {
        return state.getTenant();
    }

    /** Known once any lifecycle event was seen, or discovered from use under discoverUnknown. */
    public boolean known() {
        return activity.getKnownAt() != null || activity.getDiscoveredAt() != null;
    }

    /** Issued (or rotated in, or discovered) at; NONE when not issued. */
    public long issuedAt() {
        if (state.getIssuedAt() != null) {
            return state.getIssuedAt().toEpochMilli();
        }
        return activity.getDiscoveredAt() == null ? NONE : activity.getDiscoveredAt();
    }

    /**
     * Whether a lifecycle event stated the token's expiry: its issue (where no expiry means "never") or an event that
     * set one. A token discovered from its uses has none until then: its expiry is unknown, not absent.
     */
    public boolean expiryKnown() {
        return state.getIssuedAt() != null || state.getExpirySetAt() != null;
    }

    /** Whether a lifecycle event stated the token's grant (its issue or a scope change); see {@link #expiryKnown}. */
    public boolean grantKnown() {
        return state.getIssuedAt() != null || state.getScopesGrantedAt() != null;
    }

    public long expiresAt() {
        return ms(state.getExpiresAt());
    }

    public long revokedAt() {
        return ms(state.getRevokedAt());
    }

    public long expiredEventAt() {
        return ms(state.getExpiredAt());
    }

    /** When the token stopped being usable by expiry: its EXPIRED event or expiresAt, whichever first. */
    public long expiryEnd() {
        long a = expiresAt();
        long b = expiredEventAt();
        if (a == NONE) {
            return b;
        }
        return b == NONE ? a : Math.min(a, b);
    }

    /** Active from ISSUED/ROTATED (or discovery) until REVOKED, EXPIRED or expiresAt, whichever first. */
    public boolean activeAt(long t) {
        long issued = issuedAt();
        if (issued == NONE || t < issued) {
            return false;
        }
        if (state.getStatus() == TokenStatus.REVOKED || state.getStatus() == TokenStatus.EXPIRED) {
            long end = endAt();
            return end != NONE && t < end;
        }
        long end = endAt();
        return end == NONE || t < end;
    }

    /** The earliest of revocation and expiry; NONE while neither is known. */
    public long endAt() {
        long r = revokedAt();
        long e = expiryEnd();
        if (r == NONE) {
            return e;
        }
        return e == NONE ? r : Math.min(r, e);
    }

    public long lastAllowedUseAt() {
        return activity.getLastAllowedUseAt() == null ? NONE : activity.getLastAllowedUseAt();
    }

    /** Start of the token's known history: its first lifecycle event or its first use. */
    public long firstSeenAt() {
        long a = activity.getKnownAt() == null ? Long.MAX_VALUE : activity.getKnownAt();
        long b = activity.getFirstUseAt() == null ? Long.MAX_VALUE : activity.getFirstUseAt();
        long c = state.getFirstEventAt() == null ? Long.MAX_VALUE : state.getFirstEventAt().toEpochMilli();
        long m = Math.min(a, Math.min(b, c));
        return m == Long.MAX_VALUE ? NONE : m;
    }

    public boolean compromised() {
        return state.getCompromisedAt() != null;
    }

    static long ms(Instant i) {
        return i == null ? NONE : i.toEpochMilli();
    }
}
