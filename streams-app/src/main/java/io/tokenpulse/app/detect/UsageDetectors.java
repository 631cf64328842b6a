package io.tokenpulse.app.detect;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.TokenActivity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The event conditions a use can raise (REVOKED/EXPIRED_TOKEN_USED, PRINCIPAL/VERSION_MISMATCH,
 * NEW_SOURCE, USAGE_SPIKE, SCOPE_PROBING) and the bookkeeping a use leaves on the token: last uses,
 * per-scope last use, learned sources, window counts. Constant work per use; every list is bounded.
 */
public final class UsageDetectors {
    public static final long SPIKE_WINDOW_MS = 5 * 60 * 1000L;
    static final int MAX_SOURCES = 64;
    static final int MAX_USER_AGENTS = 32;
    static final int MAX_PROBES = 256;
    static final int MAX_PROBE_SCOPES = 16;
    static final int MAX_TRACKED_SCOPES = 256;

    private UsageDetectors() {
    }

    /** Applies one use to the token and returns the event conditions it raises, in a fixed order. */
    public static List<Finding> onUse(Token t, Policy p, TokenUsageEvent u) {
        List<Finding> found = new ArrayList<>();
        long at = u.getOccurredAt().toEpochMilli();
        int count = Math.max(1, u.getCount());
        TokenActivity a = t.activity();

        endedTokenUse(t, u, at, count, found);
        mismatch(t, u, at, found);
        newSource(t, p, u, at, found);
        spike(t, p, u, at, count, found);
        probing(t, p, u, at, count, found);

        a.setFirstUseAt(a.getFirstUseAt() == null ? at : Math.min(a.getFirstUseAt(), at));
        a.setLastUseAt(a.getLastUseAt() == null ? at : Math.max(a.getLastUseAt(), at));
        if (u.getOutcome() == UsageOutcome.ALLOWED) {
            a.setFirstAllowedUseAt(a.getFirstAllowedUseAt() == null ? at : Math.min(a.getFirstAllowedUseAt(), at));
            a.setLastAllowedUseAt(a.getLastAllowedUseAt() == null ? at : Math.max(a.getLastAllowedUseAt(), at));
            Map<String, Long> scopes = a.getScopeLastUse();
            Long previous = scopes.get(u.getScope());
            boolean tracked = previous != null || scopes.size() < MAX_TRACKED_SCOPES
                    || t.state().getScopes().contains(u.getScope());
            if (tracked) {
                scopes.put(u.getScope(), previous == null ? at : Math.max(previous, at));
            }
        }
        return found;
    }

    private static void endedTokenUse(Token t, TokenUsageEvent u, long at, int count, List<Finding> found) {
        long revoked = t.revokedAt();
        long expired = t.expiryEnd();
        if (revoked != Token.NONE && at >= revoked && (expired == Token.NONE || revoked <= expired || at < expired)) {
            t.activity().setAttemptsAfterRevocation(t.activity().getAttemptsAfterRevocation() + count);
            Map<String, String> ev = evidence(u);
            ev.put("revokedAt", StateConditions.iso(revoked));
            found.add(event(t, AlertType.REVOKED_TOKEN_USED, u, at,
                    "Revoked token " + t.id() + " was used for " + u.getScope() + " after its revocation at "
                            + StateConditions.iso(revoked), ev, List.of()));
        } else if (expired != Token.NONE && at >= expired) {
            if (revoked != Token.NONE && at >= revoked) {
                t.activity().setAttemptsAfterRevocation(t.activity().getAttemptsAfterRevocation() + count);
            }
            Map<String, String> ev = evidence(u);
            ev.put("expiredAt", StateConditions.iso(expired));
            found.add(event(t, AlertType.EXPIRED_TOKEN_USED, u, at,
                    "Expired token " + t.id() + " was used for " + u.getScope() + " after it expired at "
                            + StateConditions.iso(expired), ev, List.of()));
        }
    }

    private static void mismatch(Token t, TokenUsageEvent u, long at, List<Finding> found) {
        String expected = t.state().getPrincipal();
        String seen = u.getPrincipal();
        if (expected == null || seen == null) {
            return;
        }
        if (!expected.equals(seen)) {
            Map<String, String> ev = evidence(u);
            ev.put("expectedPrincipal", expected);
            ev.put("seenPrincipal", seen);
            found.add(event(t, AlertType.PRINCIPAL_MISMATCH, u, at,
                    "Token " + t.id() + " of " + expected + " was used by " + seen, ev, List.of()));
            return;
        }
        String bound = t.state().getServiceVersion();
        String version = u.getServiceVersion();
        if (bound != null && version != null && !bound.equals(version)) {
            Map<String, String> ev = evidence(u);
            ev.put("expectedVersion", bound);
            ev.put("seenVersion", version);
            found.add(event(t, AlertType.VERSION_MISMATCH, u, at,
                    "Token " + t.id() + " is bound to " + expected + " " + bound + " but was used by version " + version,
                    ev, List.of()));
        }
    }

    private static void newSource(Token t, Policy p, TokenUsageEvent u, long at, List<Finding> found) {
        TokenActivity a = t.activity();
        long firstSeen = t.firstSeenAt();
        boolean judged = firstSeen != Token.NONE && at - firstSeen >= p.sourceLearning().toMillis();
        SourceNetworks.Network source = SourceNetworks.networkWithHash(u.getSourceIp());
        String network = source == null ? null : source.name();
        String agent = u.getUserAgent() == null || u.getUserAgent().isBlank() ? null : u.getUserAgent();
        long networkHash = source == null ? 0 : source.hash();
        long agentHash = agent == null ? 0 : SourceNetworks.hash(agent);
        boolean newNetwork = network != null && !a.getSourceNetworks().contains(networkHash);
        boolean newAgent = agent != null && !a.getUserAgents().contains(agentHash);
        // The evidence only for an alert: nearly every use comes from a source the token knows.
        if (judged && (newNetwork || newAgent)) {
            List<String> fresh = new ArrayList<>(2);
            Map<String, String> ev = evidence(u);
            if (newNetwork) {
                fresh.add("network " + network);
                ev.put("newNetwork", network);
                ev.put("knownNetworks", Integer.toString(a.getSourceNetworks().size()));
            }
            if (newAgent) {
                fresh.add("user agent \"" + agent + "\"");
                ev.put("newUserAgent", agent);
                ev.put("knownUserAgents", Integer.toString(a.getUserAgents().size()));
            }
            found.add(event(t, AlertType.NEW_SOURCE, u, at,
                    "Token " + t.id() + " was used from a new " + String.join(" and a new ", fresh), ev, List.of()));
        }
        if (newNetwork) {
            learn(a.getSourceNetworks(), networkHash, MAX_SOURCES);
        }
        if (newAgent) {
            learn(a.getUserAgents(), agentHash, MAX_USER_AGENTS);
        }
    }

    private static void spike(Token t, Policy p, TokenUsageEvent u, long at, int count, List<Finding> found) {
        TokenActivity a = t.activity();
        long window = Math.floorDiv(at, SPIKE_WINDOW_MS) * SPIKE_WINDOW_MS;
        if (a.getSpikeWindow() == null) {
            a.setSpikeFirstWindow(window);
            a.setSpikeWindow(window);
            a.setSpikeWindowCount(count);
        } else if (window == a.getSpikeWindow()) {
            a.setSpikeWindowCount(a.getSpikeWindowCount() + count);
        } else if (window > a.getSpikeWindow()) {
            a.setSpikeCountBefore(a.getSpikeCountBefore() + a.getSpikeWindowCount());
            a.setSpikeWindow(window);
            a.setSpikeWindowCount(count);
        } else {
            // A late use of an earlier window still belongs to the history the mean is taken over.
            a.setSpikeCountBefore(a.getSpikeCountBefore() + count);
            a.setSpikeFirstWindow(Math.min(a.getSpikeFirstWindow(), window));
            return;
        }
        long windowsBefore = (a.getSpikeWindow() - a.getSpikeFirstWindow()) / SPIKE_WINDOW_MS;
        if (windowsBefore == 0 || Objects.equals(a.getSpikeAlertedWindow(), a.getSpikeWindow())) {
            return; // no history to compare with yet, or this window already alerted
        }
        double mean = (double) a.getSpikeCountBefore() / windowsBefore;
        long inWindow = a.getSpikeWindowCount();
        if (inWindow >= p.spikeMinCount() && inWindow > p.spikeFactor() * mean) {
            a.setSpikeAlertedWindow(a.getSpikeWindow());
            Map<String, String> ev = evidence(u);
            ev.put("windowStart", StateConditions.iso(window));
            ev.put("usesInWindow", Long.toString(inWindow));
            ev.put("meanPerWindow", String.format(java.util.Locale.ROOT, "%.3f", mean));
            ev.put("spikeFactor", Double.toString(p.spikeFactor()));
            found.add(event(t, AlertType.USAGE_SPIKE, u, at,
                    "Token " + t.id() + " made " + inWindow + " requests in 5 minutes, against a mean of "
                            + String.format(java.util.Locale.ROOT, "%.1f", mean), ev, List.of()));
        }
    }

    private static void probing(Token t, Policy p, TokenUsageEvent u, long at, int count, List<Finding> found) {
        if (u.getOutcome() != UsageOutcome.DENIED_SCOPE) {
            return;
        }
        TokenActivity a = t.activity();
        List<Long> times = a.getProbeTimes();
        List<Integer> counts = a.getProbeCounts();
        long from = at - p.probeWindow().toMillis();
        for (int i = times.size() - 1; i >= 0; i--) {
            if (times.get(i) < from) {
                times.remove(i);
                counts.remove(i);
            }
        }
        times.add(at);
        counts.add(count);
        if (times.size() > MAX_PROBES) {
            // Merge the two oldest: the sum stays exact, only the older entry's time is lost.
            counts.set(1, counts.get(0) + counts.get(1));
            times.remove(0);
            counts.remove(0);
        }
        TreeSet<String> scopes = new TreeSet<>(a.getProbeScopes());
        if (scopes.size() < MAX_PROBE_SCOPES) {
            scopes.add(u.getScope());
        }
        a.setProbeScopes(new ArrayList<>(scopes));
        long attempts = 0;
        for (int i = 0; i < times.size(); i++) {
            if (times.get(i) >= from && times.get(i) <= at) {
                attempts += counts.get(i);
            }
        }
        if (attempts >= p.probeThreshold()) {
            Map<String, String> ev = evidence(u);
            ev.put("attempts", Long.toString(attempts));
            ev.put("probeWindow", p.probeWindow().toString());
            ev.put("probedScopes", String.join(",", scopes));
            found.add(event(t, AlertType.SCOPE_PROBING, u, at,
                    "Token " + t.id() + " was denied " + attempts + " times within " + p.probeWindow()
                            + " on scopes it does not hold: " + String.join(", ", scopes), ev, List.of()));
        }
    }

    private static void learn(List<Long> known, long hash, int max) {
        if (known.contains(hash)) {
            return;
        }
        known.add(hash);
        if (known.size() > max) {
            known.remove(0);
        }
    }

    private static Map<String, String> evidence(TokenUsageEvent u) {
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("usageEventId", u.getEventId());
        ev.put("scope", u.getScope());
        ev.put("outcome", u.getOutcome().name());
        if (u.getSourceIp() != null) {
            ev.put("sourceIp", u.getSourceIp());
        }
        if (u.getPrincipal() != null) {
            ev.put("principal", u.getPrincipal());
        }
        return ev;
    }

    private static Finding event(Token t, AlertType type, TokenUsageEvent u, long at, String summary,
                                 Map<String, String> ev, List<String> scopes) {
        return new Finding(type, t.tenant(), t.id(), t.state().getOwner(), t.state().getPrincipal(), at,
                u.getEventId(), summary, ev, scopes);
    }
}
