package io.tokenpulse.app.metrics;

import io.tokenpulse.app.detect.Policy;
import io.tokenpulse.app.detect.Token;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where one token stands for the posture gauges at an event time, as a bit set. The token processor sends a
 * change of these bits to the report processor, which adds them up per tenant and owner: a gauge is the
 * number of tokens with its bit set at the window's end.
 */
public final class PostureFlags {
    /** Gauge positions, in the order of the gauge arrays of {@code ReportCursor} and {@code ReportWindow}. */
    public static final int ACTIVE = 0;
    public static final int UNUSED = 1;
    public static final int OVER_PRIVILEGED = 2;
    /** Active for at least scopeObservation: old enough to judge least privilege. */
    public static final int JUDGED = 3;
    /** Judged, and every granted scope was used within scopeObservation (or was granted too recently to judge). */
    public static final int LEAST_PRIVILEGED = 4;
    public static final int WITHOUT_EXPIRY = 5;
    public static final int OVER_MAX_LIFETIME = 6;
    public static final int COUNT = 7;

    private PostureFlags() {
    }

    /**
     * The flags of {@code t} at {@code now}. {@code openConditions} are the state conditions holding (the
     * processor's episodes), so "unused" and "over-privileged" mean exactly what their alerts mean.
     */
    public static int of(Token t, Policy p, long now, Map<String, Long> openConditions) {
        if (!t.known() || !t.activeAt(now)) {
            return 0;
        }
        int flags = bit(ACTIVE);
        if (openConditions.containsKey("UNUSED_TOKEN")) {
            flags |= bit(UNUSED);
        }
        if (openConditions.containsKey("OVER_PRIVILEGED")) {
            flags |= bit(OVER_PRIVILEGED);
        }
        long obs = p.scopeObservation().toMillis();
        if (now - t.issuedAt() >= obs) {
            flags |= bit(JUDGED);
            if (grantedButUnused(t, now, obs).isEmpty()) {
                flags |= bit(LEAST_PRIVILEGED);
            }
        }
        long expires = t.expiresAt();
        if (expires == Token.NONE) {
            flags |= bit(WITHOUT_EXPIRY);
        } else if (expires - t.issuedAt() > p.maxLifetime().toMillis()) {
            flags |= bit(OVER_MAX_LIFETIME);
        }
        return flags;
    }

    /**
     * Granted scopes with no ALLOWED use in the last scopeObservation, among those granted at least that long
     * ago: the same judgement as OVER_PRIVILEGED, without its "but used at all" gate, so a token not used at
     * all is not least-privileged either.
     */
    static SortedSet<String> grantedButUnused(Token t, long now, long obs) {
        long windowStart = now - obs;
        TreeSet<String> unused = new TreeSet<>();
        for (String scope : t.state().getScopes()) {
            Long grantedAt = t.activity().getScopeGrantedAt().get(scope);
            long g = grantedAt == null ? t.issuedAt() : grantedAt;
            Long last = t.activity().getScopeLastUse().get(scope);
            boolean usedInWindow = last != null && last > windowStart;
            if (!usedInWindow && now - g >= obs) {
                unused.add(scope);
            }
        }
        return unused;
    }

    public static boolean has(int flags, int gauge) {
        return (flags & bit(gauge)) != 0;
    }

    static int bit(int gauge) {
        return 1 << gauge;
    }
}
