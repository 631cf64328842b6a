package io.tokenpulse.app.detect;

import io.tokenpulse.avro.AlertType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The state conditions of the contract (docs/CONTRACT.md): each holds or not for a token at an event time, and each knows the
 * next event time at which passing time alone could change that, which is what the due-time index is
 * keyed by. Episodes (alert once, re-arm on clear) are the processor's business.
 */
public final class StateConditions {
    public static final List<AlertType> TYPES = List.of(
            AlertType.UNUSED_TOKEN, AlertType.OVER_PRIVILEGED, AlertType.RETIRED_VERSION_TOKEN,
            AlertType.EXPIRING_UNREPLACED, AlertType.REPLACEMENT_OVERDUE, AlertType.EXPIRY_POLICY_VIOLATION);

    private StateConditions() {
    }

    /** The conditions that hold at {@code now}, each with the finding an alert would carry. */
    public static Map<AlertType, Finding> holding(Token t, Policy p, long now) {
        Map<AlertType, Finding> out = new EnumMap<>(AlertType.class);
        boolean active = t.activeAt(now);
        if (active) {
            unused(t, p, now, out);
            overPrivileged(t, p, now, out);
            retiredVersion(t, now, out);
            expiringUnreplaced(t, p, now, out);
            expiryPolicy(t, p, now, out);
        }
        replacementOverdue(t, p, now, out);
        return out;
    }

    /** The earliest time after {@code now} at which time passing could change what holds; NONE if never. */
    public static long nextChange(Token t, Policy p, long now) {
        Next next = new Next(now);
        long issued = t.issuedAt();
        if (issued != Token.NONE) {
            next.offer(issued);
            next.offer(t.endAt());
            long lastUse = Math.max(issued, t.lastAllowedUseAt());
            next.offer(lastUse + p.unusedAfter().toMillis());
            long obs = p.scopeObservation().toMillis();
            next.offer(issued + obs);
            if (t.lastAllowedUseAt() != Token.NONE) {
                next.offer(t.lastAllowedUseAt() + obs);
            }
            t.activity().getScopeGrantedAt().values().forEach(g -> next.offer(g + obs));
            t.activity().getScopeLastUse().values().forEach(u -> next.offer(u + obs));
            long expires = t.expiresAt();
            if (expires != Token.NONE) {
                next.offer(expires - p.expiryWarning().toMillis());
            }
        }
        Long detected = t.activity().getDetectedAt();
        if (detected != null) {
            next.offer(detected + p.replacementSla().toMillis());
        }
        return next.value;
    }

    private static void unused(Token t, Policy p, long now, Map<AlertType, Finding> out) {
        long window = p.unusedAfter().toMillis();
        long issued = t.issuedAt();
        long lastAllowed = t.lastAllowedUseAt();
        long since = Math.max(issued, lastAllowed);
        if (now - issued >= window && now - since >= window) {
            Map<String, String> ev = new LinkedHashMap<>();
            ev.put("issuedAt", iso(issued));
            ev.put("lastUsedAt", lastAllowed == Token.NONE ? "never" : iso(lastAllowed));
            ev.put("unusedAfter", p.unusedAfter().toString());
            String when = lastAllowed == Token.NONE ? "never used since it was issued " + iso(issued)
                    : "not used since " + iso(lastAllowed);
            out.put(AlertType.UNUSED_TOKEN, finding(t, AlertType.UNUSED_TOKEN, now,
                    "Token " + t.id() + " is " + when + " (policy: " + p.unusedAfter() + ")", ev, List.of()));
        }
    }

    private static void overPrivileged(Token t, Policy p, long now, Map<AlertType, Finding> out) {
        if (!t.grantKnown()) {
            return; // a discovered token's grant is unknown, not empty
        }
        long obs = p.scopeObservation().toMillis();
        if (now - t.issuedAt() < obs) {
            return;
        }
        long windowStart = now - obs;
        // "For scopeObservation" is inclusive at the deadline: a use exactly scopeObservation ago is outside the window.
        if (t.lastAllowedUseAt() == Token.NONE || t.lastAllowedUseAt() <= windowStart) {
            return; // no allowed use in the window: that is UNUSED_TOKEN's business
        }
        TreeSet<String> granted = new TreeSet<>(t.state().getScopes());
        TreeSet<String> unused = new TreeSet<>();
        TreeSet<String> used = new TreeSet<>();
        for (String scope : granted) {
            Long grantedAt = t.activity().getScopeGrantedAt().get(scope);
            long g = grantedAt == null ? t.issuedAt() : grantedAt;
            Long last = t.activity().getScopeLastUse().get(scope);
            boolean usedInWindow = last != null && last > windowStart;
            if (usedInWindow) {
                used.add(scope);
            } else if (now - g >= obs) {
                unused.add(scope);
            }
        }
        if (unused.isEmpty()) {
            return;
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("grantedScopes", String.join(",", granted));
        ev.put("usedScopes", String.join(",", used));
        ev.put("unusedScopes", String.join(",", unused));
        ev.put("observedSince", iso(windowStart));
        out.put(AlertType.OVER_PRIVILEGED, finding(t, AlertType.OVER_PRIVILEGED, now,
                "Token " + t.id() + " holds " + unused.size() + " scope(s) it has not used in "
                        + p.scopeObservation() + ": " + String.join(", ", unused), ev, new ArrayList<>(used)));
    }

    private static void retiredVersion(Token t, long now, Map<AlertType, Finding> out) {
        Long retiredAt = t.activity().getRetiredVersionAt();
        if (retiredAt == null || now < retiredAt) {
            return;
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("service", String.valueOf(t.state().getPrincipal()));
        ev.put("version", String.valueOf(t.state().getServiceVersion()));
        ev.put("retiredAt", iso(retiredAt));
        // The alert is about the retirement: its time, not the later time the token had reached when the news came
        // (a retirement is relayed through the version processor, so it can arrive after the token's own events).
        long since = Math.max(retiredAt, t.issuedAt());
        out.put(AlertType.RETIRED_VERSION_TOKEN, finding(t, AlertType.RETIRED_VERSION_TOKEN, Math.min(since, now),
                "Token " + t.id() + " is still active but bound to retired " + t.state().getPrincipal() + " "
                        + t.state().getServiceVersion(), ev, List.of()));
    }

    private static void expiringUnreplaced(Token t, Policy p, long now, Map<AlertType, Finding> out) {
        long expires = t.expiresAt();
        if (expires == Token.NONE || t.activity().getReplacedBy() != null || !t.expiryKnown()) {
            return;
        }
        if (t.issuedAt() != Token.NONE && expires - t.issuedAt() <= p.ephemeralLifetime().toMillis()) {
            return; // ephemeral: meant to expire, nobody replaces an STS session or a CI job token
        }
        if (now >= expires - p.expiryWarning().toMillis() && now < expires) {
            Map<String, String> ev = new LinkedHashMap<>();
            ev.put("expiresAt", iso(expires));
            ev.put("expiryWarning", p.expiryWarning().toString());
            out.put(AlertType.EXPIRING_UNREPLACED, finding(t, AlertType.EXPIRING_UNREPLACED, now,
                    "Token " + t.id() + " expires at " + iso(expires) + " and no token replaces it", ev, List.of()));
        }
    }

    private static void expiryPolicy(Token t, Policy p, long now, Map<AlertType, Finding> out) {
        if (!t.expiryKnown()) {
            return; // a discovered token's expiry is unknown, not "never"
        }
        long expires = t.expiresAt();
        long lifetime = expires == Token.NONE ? Long.MAX_VALUE : expires - t.issuedAt();
        if (lifetime <= p.maxLifetime().toMillis()) {
            return;
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("issuedAt", iso(t.issuedAt()));
        ev.put("expiresAt", expires == Token.NONE ? "never" : iso(expires));
        ev.put("maxLifetime", p.maxLifetime().toString());
        String what = expires == Token.NONE ? "never expires"
                : "lives " + java.time.Duration.ofMillis(lifetime) + ", above the maximum " + p.maxLifetime();
        out.put(AlertType.EXPIRY_POLICY_VIOLATION, finding(t, AlertType.EXPIRY_POLICY_VIOLATION, now,
                "Token " + t.id() + " " + what, ev, List.of()));
    }

    private static void replacementOverdue(Token t, Policy p, long now, Map<AlertType, Finding> out) {
        Long detected = t.activity().getDetectedAt();
        if (detected == null || now < detected + p.replacementSla().toMillis()) {
            return;
        }
        boolean revoked = t.revokedAt() != Token.NONE;
        boolean replaced = t.activity().getReplacedBy() != null;
        if (revoked && replaced) {
            return;
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("detectedAt", iso(detected));
        ev.put("replacementSla", p.replacementSla().toString());
        ev.put("revoked", Boolean.toString(revoked));
        ev.put("replacedBy", replaced ? t.activity().getReplacedBy() : "none");
        out.put(AlertType.REPLACEMENT_OVERDUE, finding(t, AlertType.REPLACEMENT_OVERDUE, now,
                "Compromised token " + t.id() + " is not " + (revoked ? "replaced" : replaced ? "revoked" : "revoked nor replaced")
                        + " within " + p.replacementSla() + " of its detection", ev, List.of()));
    }

    static Finding finding(Token t, AlertType type, long now, String summary, Map<String, String> ev, List<String> scopes) {
        return new Finding(type, t.tenant(), t.id(), t.state().getOwner(), t.state().getPrincipal(), now, null,
                summary, ev, scopes);
    }

    static String iso(long ms) {
        return java.time.Instant.ofEpochMilli(ms).toString();
    }

    /** Smallest offered time strictly after now. */
    private static final class Next {
        private final long now;
        private long value = Token.NONE;

        Next(long now) {
            this.now = now;
        }

        void offer(long t) {
            if (t != Token.NONE && t > now && (value == Token.NONE || t < value)) {
                value = t;
            }
        }
    }
}
