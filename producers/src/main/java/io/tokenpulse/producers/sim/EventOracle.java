package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract's event conditions, judged on exactly the events the simulator emits, in event-time order, one token at a
 * time: REVOKED/EXPIRED/UNKNOWN_TOKEN_USED, PRINCIPAL/VERSION_MISMATCH, NEW_SOURCE, USAGE_SPIKE, SCOPE_PROBING,
 * with the cooldown folding repeated occurrences. Only the token's own events matter for these, so the oracle
 * needs no cross-token ordering. It also records what the incident metrics need: signal alerts, the COMPROMISED
 * report and each token's first ALLOWED use.
 */
final class EventOracle {
    static final Set<AlertType> SIGNALS = EnumSet.of(AlertType.NEW_SOURCE, AlertType.USAGE_SPIKE,
            AlertType.SCOPE_PROBING, AlertType.PRINCIPAL_MISMATCH, AlertType.VERSION_MISMATCH);
    private static final long SPIKE_WINDOW = 5 * 60_000L;

    /** What the oracle knows about one token. */
    static final class State {
        final String tenant;
        final String tokenId;
        long knownAt = NONE;
        long issuedAt = NONE;
        long firstSeen = NONE;
        String principal;
        String version;
        long expiresAt = NONE;
        long expiredEventAt = NONE;
        long revokedAt = NONE;
        long compromisedAt = NONE;
        long exposedAt = NONE;
        long firstAllowedUse = NONE;
        long pendingUnknown = NONE;
        final Set<String> networks = new HashSet<>();
        final Set<String> agents = new HashSet<>();
        final Map<AlertType, Long> lastAlert = new EnumMap<>(AlertType.class);
        final List<Long> signals = new ArrayList<>();
        final ArrayDeque<long[]> probes = new ArrayDeque<>();
        long spikeFirstWindow = NONE;
        long spikeWindow = NONE;
        long spikeWindowCount;
        long spikeCountBefore;
        long spikeAlertedWindow = NONE;

        State(String tenant, String tokenId) {
            this.tenant = tenant;
            this.tokenId = tokenId;
        }

        long expiryEnd() {
            if (expiresAt == NONE) {
                return expiredEventAt;
            }
            return expiredEventAt == NONE ? expiresAt : Math.min(expiresAt, expiredEventAt);
        }
    }

    private final Map<String, State> tokens = new HashMap<>();
    private final List<TruthEntry> alerts = new ArrayList<>();
    private final Map<String, String> stories;

    EventOracle(Map<String, String> stories) {
        this.stories = stories;
    }

    List<TruthEntry> alerts() {
        return alerts;
    }

    State state(String tokenId) {
        return tokens.get(tokenId);
    }

    void lifecycle(TokenLifecycleEvent e) {
        long at = e.getOccurredAt().toEpochMilli();
        State s = tokens.computeIfAbsent(e.getTokenId(), id -> new State(e.getTenant(), id));
        judgeUnknown(s, at);
        s.knownAt = s.knownAt == NONE ? at : Math.min(s.knownAt, at);
        s.firstSeen = s.firstSeen == NONE ? at : Math.min(s.firstSeen, at);
        s.pendingUnknown = NONE;
        if (e.getPrincipal() != null) {
            s.principal = e.getPrincipal();
        }
        if (e.getServiceVersion() != null) {
            s.version = e.getServiceVersion();
        }
        LifecycleType type = e.getType();
        if (type == LifecycleType.ISSUED || type == LifecycleType.ROTATED) {
            s.issuedAt = s.issuedAt == NONE ? at : Math.min(s.issuedAt, at);
            s.expiresAt = e.getExpiresAt() == null ? NONE : e.getExpiresAt().toEpochMilli();
        } else if (type == LifecycleType.RENEWED) {
            s.expiresAt = e.getExpiresAt() == null ? NONE : e.getExpiresAt().toEpochMilli();
        } else if (type == LifecycleType.REVOKED) {
            s.revokedAt = s.revokedAt == NONE ? at : Math.min(s.revokedAt, at);
        } else if (type == LifecycleType.EXPIRED) {
            s.expiredEventAt = s.expiredEventAt == NONE ? at : Math.min(s.expiredEventAt, at);
        } else if (type == LifecycleType.COMPROMISED) {
            s.compromisedAt = s.compromisedAt == NONE ? at : Math.min(s.compromisedAt, at);
            if (e.getExposedAt() != null) {
                s.exposedAt = e.getExposedAt().toEpochMilli();
            }
        }
    }

    void usage(TokenUsageEvent u) {
        long at = u.getOccurredAt().toEpochMilli();
        State s = tokens.computeIfAbsent(u.getTokenId(), id -> new State(u.getTenant(), id));
        judgeUnknown(s, at);
        int count = Math.max(1, u.getCount());
        if (s.knownAt == NONE && s.pendingUnknown == NONE) {
            s.pendingUnknown = at;
        }
        if (s.firstSeen == NONE || at < s.firstSeen) {
            s.firstSeen = at;
        }
        endedTokenUse(s, at);
        mismatch(s, u, at);
        newSource(s, u, at);
        spike(s, at, count);
        probing(s, u, at, count);
        if (u.getOutcome() == UsageOutcome.ALLOWED && s.firstAllowedUse == NONE) {
            s.firstAllowedUse = at;
        }
    }

    /** Judges every unknown token whose grace has run out by {@code now} (call at the end of the run). */
    void finish(long now) {
        for (State s : tokens.values()) {
            judgeUnknown(s, now);
        }
    }

    /** detectedAt of a compromised token: the report, or an earlier signal at or after exposure (or issue). */
    long detectedAt(State s) {
        long from = s.exposedAt != NONE ? s.exposedAt : s.issuedAt;
        long detected = s.compromisedAt;
        for (long signal : s.signals) {
            if ((from == NONE || signal >= from) && signal < detected) {
                detected = signal;
            }
        }
        return detected;
    }

    // The grace deadline fires before any later event of the token is applied, as in the pipeline.
    private void judgeUnknown(State s, long now) {
        if (s.knownAt != NONE || s.pendingUnknown == NONE || now < s.pendingUnknown + SimPolicy.GRACE) {
            return;
        }
        long due = s.pendingUnknown + SimPolicy.GRACE;
        s.pendingUnknown = NONE;
        raise(s, AlertType.UNKNOWN_TOKEN_USED, due);
    }

    private void endedTokenUse(State s, long at) {
        long revoked = s.revokedAt;
        long expired = s.expiryEnd();
        if (revoked != NONE && at >= revoked && (expired == NONE || revoked <= expired || at < expired)) {
            raise(s, AlertType.REVOKED_TOKEN_USED, at);
        } else if (expired != NONE && at >= expired) {
            raise(s, AlertType.EXPIRED_TOKEN_USED, at);
        }
    }

    private void mismatch(State s, TokenUsageEvent u, long at) {
        if (s.principal == null || u.getPrincipal() == null) {
            return;
        }
        if (!s.principal.equals(u.getPrincipal())) {
            raise(s, AlertType.PRINCIPAL_MISMATCH, at);
        } else if (s.version != null && u.getServiceVersion() != null && !s.version.equals(u.getServiceVersion())) {
            raise(s, AlertType.VERSION_MISMATCH, at);
        }
    }

    private void newSource(State s, TokenUsageEvent u, long at) {
        boolean judged = s.firstSeen != NONE && at - s.firstSeen >= SimPolicy.LEARN;
        String network = network(u.getSourceIp());
        String agent = u.getUserAgent() == null || u.getUserAgent().isBlank() ? null : u.getUserAgent();
        boolean fresh = (network != null && !s.networks.contains(network)) || (agent != null && !s.agents.contains(agent));
        if (judged && fresh) {
            raise(s, AlertType.NEW_SOURCE, at);
        }
        if (network != null) {
            s.networks.add(network);
        }
        if (agent != null) {
            s.agents.add(agent);
        }
    }

    /** IPv4 /24 (the simulator only emits IPv4). */
    static String network(String ip) {
        if (ip == null) {
            return null;
        }
        int last = ip.lastIndexOf('.');
        return last < 0 ? ip : ip.substring(0, last);
    }

    private void spike(State s, long at, int count) {
        long window = Math.floorDiv(at, SPIKE_WINDOW) * SPIKE_WINDOW;
        if (s.spikeWindow == NONE) {
            s.spikeFirstWindow = window;
            s.spikeWindow = window;
            s.spikeWindowCount = count;
        } else if (window == s.spikeWindow) {
            s.spikeWindowCount += count;
        } else if (window > s.spikeWindow) {
            s.spikeCountBefore += s.spikeWindowCount;
            s.spikeWindow = window;
            s.spikeWindowCount = count;
        } else {
            throw new IllegalStateException("uses of " + s.tokenId + " out of time order");
        }
        long windowsBefore = (s.spikeWindow - s.spikeFirstWindow) / SPIKE_WINDOW;
        if (windowsBefore == 0 || s.spikeAlertedWindow == s.spikeWindow) {
            return;
        }
        double mean = (double) s.spikeCountBefore / windowsBefore;
        if (s.spikeWindowCount >= SimPolicy.SPIKE_MIN_COUNT && s.spikeWindowCount > SimPolicy.SPIKE_FACTOR * mean) {
            s.spikeAlertedWindow = s.spikeWindow;
            raise(s, AlertType.USAGE_SPIKE, at);
        }
    }

    private void probing(State s, TokenUsageEvent u, long at, int count) {
        if (u.getOutcome() != UsageOutcome.DENIED_SCOPE) {
            return;
        }
        long from = at - SimPolicy.PROBE_WINDOW_MS;
        s.probes.removeIf(p -> p[0] < from);
        s.probes.addLast(new long[] {at, count});
        long attempts = 0;
        for (long[] p : s.probes) {
            attempts += p[1];
        }
        if (attempts >= SimPolicy.PROBE_THRESHOLD) {
            raise(s, AlertType.SCOPE_PROBING, at);
        }
    }

    /** An event condition alerts unless an alert of its type on this token is less than a cooldown old. */
    private void raise(State s, AlertType type, long at) {
        Long last = s.lastAlert.get(type);
        if (last != null && at < last + SimPolicy.COOLDOWN) {
            return;
        }
        s.lastAlert.put(type, at);
        alerts.add(new TruthEntry(type, s.tenant, s.tokenId, at, stories.getOrDefault(s.tokenId, "unknown")));
        if (SIGNALS.contains(type)) {
            s.signals.add(at);
        }
    }
}
