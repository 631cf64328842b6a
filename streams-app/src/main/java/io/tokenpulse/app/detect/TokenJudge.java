package io.tokenpulse.app.detect;

import io.tokenpulse.app.metrics.MetricFacts;
import io.tokenpulse.app.state.TokenStates;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.TokenActivity;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.TokenState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges one task's tokens, one record or deadline at a time, always in event-time order (the token processor
 * releases records to it only once the watermark has passed them, and fires deadlines in between): lifecycle, uses,
 * links from other tasks, and the deadlines at which a token's state conditions change. What it says about a token
 * (episodes of the state conditions, event alerts, incidents, the facts the reports count) is written by
 * {@link Episodes}; what it remembers of a token's activity besides its lifecycle goes through {@link Activity}.
 *
 * <p>Nothing here looks at the wall clock or at how records arrived, so the same records give the same outputs.
 */
final class TokenJudge {
    private static final Logger LOG = LoggerFactory.getLogger(TokenJudge.class);
    private static final int MAX_DUE_PER_PASS = 10_000;
    private static final char TENANT_SEPARATOR = '\u0000';

    private final KeyValueStore<String, TokenState> tokens;
    private final DueIndex due;
    private final KeyValueStore<String, String> tenantIndex;
    private final PolicyTimeline policies;
    private final Episodes episodes;
    /** Every deadline at or before this has fired (kept in the due index's own order; see fireDue). */
    private long firedUpTo;
    private long fired;
    /** What firing the current pass of deadlines has put in the index: each fires in its place in the index's order. */
    private TreeSet<DueIndex.Due> scheduledWhileFiring;

    TokenJudge(KeyValueStore<String, TokenState> tokens, KeyValueStore<Bytes, byte[]> dueStore,
               KeyValueStore<String, String> tenantIndex, PolicyTimeline policies, Clock clock,
               Consumer<Record<String, TokenOutput>> out, long firedUpTo) {
        this.tokens = tokens;
        this.due = new DueIndex(dueStore);
        this.tenantIndex = tenantIndex;
        this.policies = policies;
        this.episodes = new Episodes(new AlertFactory(clock), out);
        this.firedUpTo = firedUpTo;
    }

    /** Judges a record at its event time; every deadline before it has fired (see {@link #fireDue}). */
    void apply(String tokenId, TokenInput input) {
        TokenState stored = tokens.get(tokenId);
        if (input instanceof TokenInput.Lifecycle l) {
            onLifecycle(tokenId, stored, l.event());
        } else if (input instanceof TokenInput.Usage u) {
            onUsage(tokenId, stored, u.event());
        } else if (input instanceof TokenInput.Link l) {
            onLink(tokenId, stored, l.link());
        }
    }

    private Policy policy(String tenant, long at) {
        return policies.at(tenant, at);
    }

    // ---- deadlines --------------------------------------------------------------------------------

    /**
     * Fires the deadlines up to {@code upTo} in the due index's order, at most {@code max} of them; true when all of
     * them have fired. A deadline that firing schedules is fired in its place in that order too, so the sequence is
     * the same however the deadlines are split between calls: one stopped early leaves every deadline before the one
     * it stopped at fired (firedUpTo is the millisecond before it), and the next call starts there. That is how a
     * millisecond with a hundred thousand deadlines (tokens issued together expire together) is judged in slices
     * rather than in one transaction.
     */
    boolean fireDue(long upTo, int max) {
        if (upTo <= firedUpTo) {
            return true;
        }
        long from = firedUpTo == Long.MIN_VALUE ? 0L : firedUpTo + 1;
        int left = max;
        List<DueIndex.Due> pass;
        do {
            pass = due.dueBetween(from, upTo, MAX_DUE_PER_PASS);
            // Past the last entry of a full pass, the next pass finds what firing schedules.
            DueIndex.Due bound = pass.size() == MAX_DUE_PER_PASS ? pass.get(pass.size() - 1) : null;
            scheduledWhileFiring = new TreeSet<>(DueIndex.ORDER);
            try {
                int i = 0;
                while (true) {
                    DueIndex.Due listed = i < pass.size() ? pass.get(i) : null;
                    DueIndex.Due scheduled = scheduledWhileFiring.isEmpty() ? null : scheduledWhileFiring.first();
                    if (scheduled != null && (scheduled.at() > upTo
                            || (bound != null && DueIndex.ORDER.compare(scheduled, bound) > 0))) {
                        scheduled = null;
                    }
                    if (listed == null && scheduled == null) {
                        break;
                    }
                    boolean takeScheduled = listed == null
                            || (scheduled != null && DueIndex.ORDER.compare(scheduled, listed) < 0);
                    DueIndex.Due d = takeScheduled ? scheduled : listed;
                    if (left <= 0) {
                        firedUpTo = Math.max(firedUpTo, d.at() - 1);
                        return false;
                    }
                    left--;
                    if (takeScheduled) {
                        scheduledWhileFiring.pollFirst();
                    } else {
                        i++;
                    }
                    fire(d);
                }
            } finally {
                scheduledWhileFiring = null;
            }
        } while (!pass.isEmpty());
        firedUpTo = upTo;
        return true;
    }

    /** Every deadline up to this has fired. */
    long firedUpTo() {
        return firedUpTo;
    }

    /** How many due entries have been taken from the index so far (what a slice of judging counts). */
    long fired() {
        return fired;
    }

    private void fire(DueIndex.Due d) {
        fired++;
        due.remove(d.at(), d.tokenId());
        TokenState stored = tokens.get(d.tokenId());
        if (stored == null) {
            return;
        }
        Token t = new Token(stored);
        if (t.activity().getScheduledDue() == null || t.activity().getScheduledDue() != d.at()) {
            return; // a stale entry: the token was rescheduled since
        }
        t.activity().setScheduledDue(null);
        onDeadline(t, d.at());
        save(t, d.at());
    }

    private void onDeadline(Token t, long at) {
        Policy p = policy(t.tenant(), at);
        TokenActivity a = t.activity();
        if (!t.known() && a.getPendingUnknownFirstAt() != null
                && at >= a.getPendingUnknownFirstAt() + p.unknownGrace().toMillis()) {
            judgeUnknown(t, p, at);
        }
        if (t.known() && t.endAt() != Token.NONE && at >= t.endAt()) {
            Activity.bind(t, at);
        }
        episodes.evaluate(t, p, at);
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    private void onLifecycle(String tokenId, TokenState stored, TokenLifecycleEvent e) {
        long at = e.getOccurredAt().toEpochMilli();
        List<String> scopesBefore = stored == null ? List.of() : List.copyOf(stored.getScopes());
        TokenState next = TokenStates.apply(stored, e);
        // Identity, not equals: apply answers the very instance it was given when the event changes nothing.
        @SuppressWarnings("ReferenceEquality")
        boolean unchanged = next == stored;
        if (unchanged) {
            return; // a redelivered eventId changes nothing
        }
        Token t = new Token(next);
        indexIfNew(stored, t);
        TokenActivity a = t.activity();
        Policy p = policy(t.tenant(), at);
        a.setKnownAt(a.getKnownAt() == null ? at : Math.min(a.getKnownAt(), at));
        a.setPendingUnknownFirstAt(null);
        a.setPendingUnknownUses(0L);
        Activity.trackGrants(a, scopesBefore, next.getScopes(), at, e.getType());

        if (e.getType() == LifecycleType.SCOPES_CHANGED) {
            boolean hadGrant = stored != null && stored.getScopesGrantedAt() != null;
            scopeCreep(t, p, e.getEventId(), at, hadGrant, scopesBefore, next.getScopes(), tokenId, t.state().getOwner(),
                    t.state().getPrincipal(), "its previous grant");
        }
        if (e.getType() == LifecycleType.COMPROMISED) {
            Activity.updateDetection(t);
        }
        Activity.bind(t, at);
        episodes.evaluate(t, p, Math.max(at, Activity.evaluatedAt(t)));
        save(t, at);
    }

    /**
     * {@code hadGrant}: whether a previous grant was seen at all. An empty one counts (a token issued with no scopes
     * and then granted admin has crept); a first grant seen through SCOPES_CHANGED or an unknown replaced token has
     * nothing to compare with.
     */
    private void scopeCreep(Token about, Policy p, String eventId, long at, boolean hadGrant, List<String> previous,
                            List<String> granted, String tokenId, String owner, String principal, String comparedWith) {
        TreeSet<String> added = new TreeSet<>(granted);
        added.removeAll(previous);
        if (added.isEmpty() || !hadGrant) {
            return;
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("previousScopes", String.join(",", new TreeSet<>(previous)));
        ev.put("grantedScopes", String.join(",", new TreeSet<>(granted)));
        ev.put("addedScopes", String.join(",", added));
        ev.put("lifecycleEventId", eventId);
        Finding f = new Finding(AlertType.SCOPE_CREEP, about.tenant(), tokenId, owner, principal, at, eventId,
                "Token " + tokenId + " was granted " + String.join(", ", added) + " beyond " + comparedWith,
                ev, List.copyOf(new TreeSet<>(previous)));
        if (about.id().equals(tokenId)) {
            episodes.raiseEvent(about, p, f);
        } else {
            episodes.emit(f); // raised on the replacing token from the replaced one's partition: one alert per rotation
        }
    }

    // ---- usage ----------------------------------------------------------------------------------

    private void onUsage(String tokenId, TokenState stored, TokenUsageEvent u) {
        long at = u.getOccurredAt().toEpochMilli();
        TokenState state = stored != null ? stored : Activity.unknownToken(tokenId, u);
        Token t = new Token(state);
        indexIfNew(stored, t);
        TokenActivity a = t.activity();
        Policy p = policy(t.tenant(), at);
        if (!t.known()) {
            a.setPendingUnknownUses(a.getPendingUnknownUses() + Math.max(1, u.getCount()));
            if (a.getPendingUnknownFirstAt() == null || at < a.getPendingUnknownFirstAt()) {
                a.setPendingUnknownFirstAt(at);
            }
        }
        long attemptsBefore = a.getAttemptsAfterRevocation();
        for (Finding f : UsageDetectors.onUse(t, p, u)) {
            episodes.raiseEvent(t, p, f);
        }
        String owner = t.state().getOwner();
        if (a.getAttemptsAfterRevocation() > attemptsBefore) {
            episodes.fact(MetricFacts.of(FactKind.RESIDUAL_EXPOSURE, t.tenant(), owner, at, a.getAttemptsAfterRevocation() - attemptsBefore));
        }
        if (u.getOutcome() == UsageOutcome.DENIED_EXPIRED) {
            episodes.fact(MetricFacts.of(FactKind.EXPIRY_BREAKAGE, t.tenant(), owner, at, Math.max(1, u.getCount())));
        }
        episodes.evaluate(t, p, Math.max(at, Activity.evaluatedAt(t)));
        save(t, at);
    }

    private void judgeUnknown(Token t, Policy p, long at) {
        TokenActivity a = t.activity();
        long firstUse = a.getPendingUnknownFirstAt();
        long uses = a.getPendingUnknownUses();
        a.setPendingUnknownFirstAt(null);
        a.setPendingUnknownUses(0L);
        if (p.discoverUnknown()) {
            // Its issue predates the logs: judge it from its first use, as if issued then.
            a.setDiscoveredAt(a.getFirstUseAt() == null ? firstUse : a.getFirstUseAt());
            return;
        }
        Map<String, String> ev = new LinkedHashMap<>();
        ev.put("firstUseAt", StateConditions.iso(firstUse));
        ev.put("uses", Long.toString(uses));
        ev.put("unknownGrace", p.unknownGrace().toString());
        episodes.raiseEvent(t, p, new Finding(AlertType.UNKNOWN_TOKEN_USED, t.tenant(), t.id(), null, null, at,
                Long.toString(firstUse), "Token " + t.id() + " was used " + uses + " time(s) but no lifecycle event names it",
                ev, List.of()));
    }

    // ---- links ----------------------------------------------------------------------------------

    private void onLink(String tokenId, TokenState stored, TokenLink link) {
        long at = link.getAt();
        Token t = new Token(stored != null ? stored : TokenState.newBuilder().setTokenId(tokenId)
                .setTenant(link.getTenant()).setFirstEventAt(Instant.ofEpochMilli(at))
                .setLastEventAt(Instant.ofEpochMilli(at)).setActivity(TokenActivity.newBuilder().build()).build());
        indexIfNew(stored, t);
        TokenActivity a = t.activity();
        Policy p = policy(t.tenant(), at);
        switch (link.getKind()) {
            case REPLACED_BY -> {
                if (a.getReplacedBy() == null || at < a.getReplacedAt()) {
                    a.setReplacedBy(link.getFromTokenId());
                    a.setReplacedAt(at);
                }
                if (t.known()) {
                    scopeCreep(t, p, link.getEventId(), at, t.state().getScopesGrantedAt() != null, t.state().getScopes(),
                            link.getScopes(), link.getFromTokenId(), link.getOwner(), link.getPrincipal(),
                            "the grant of " + tokenId + " it replaces");
                }
            }
            case REPLACEMENT_USED -> {
                if (a.getReplacementFirstUsedAt() == null || at < a.getReplacementFirstUsedAt()) {
                    a.setReplacementFirstUsedAt(at);
                }
            }
            case VERSION_RETIRED, VERSION_DEPLOYED -> Activity.versionNews(a, link);
            default -> {
                return; // promises and policies never reach the judge
            }
        }
        episodes.evaluate(t, p, Math.max(at, Activity.evaluatedAt(t)));
        save(t, at);
    }

    /** The deployments topic's key: tenant/service@version (compacted by service and version). */
    public static String versionKey(String tenant, String service, String version) {
        return io.tokenpulse.schemas.Keys.deployment(tenant, service, version);
    }

    /**
     * A tenant's policy changed: its tokens here are judged again at {@code now} (the judged time) and their deadlines
     * moved. The cost is the tenant's tokens in this task, paid once per policy change.
     */
    void policyChanged(String tenant, long now) {
        List<String> ids = new ArrayList<>();
        try (var it = tenantIndex.prefixScan(tenant + TENANT_SEPARATOR, new StringSerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.key.substring(tenant.length() + 1)));
        }
        LOG.info("Policy of tenant {} changed: judging its {} token(s) in this task again", tenant, ids.size());
        for (String id : ids) {
            TokenState stored = tokens.get(id);
            if (stored != null) {
                Token t = new Token(stored);
                long at = Math.max(now, Activity.evaluatedAt(t));
                episodes.evaluate(t, policy(tenant, at), at);
                save(t, at);
            }
        }
    }

    /** Remembers a new token under its tenant, for {@link #policyChanged}. */
    private void indexIfNew(TokenState stored, Token t) {
        if (stored == null) {
            tenantIndex.put(t.tenant() + TENANT_SEPARATOR + t.id(), "");
        }
    }

    private void save(Token t, long at) {
        long evaluated = Activity.evaluatedAt(t);
        long from = Math.max(evaluated, at);
        Policy p = policy(t.tenant(), from);
        long next = t.known() ? StateConditions.nextChange(t, p, from) : Token.NONE;
        TokenActivity a = t.activity();
        if (!t.known() && a.getPendingUnknownFirstAt() != null) {
            next = a.getPendingUnknownFirstAt() + p.unknownGrace().toMillis();
        }
        next = policies.nextChange(t.tenant(), from, next);
        Long scheduled = a.getScheduledDue();
        if (scheduled != null && (next == Token.NONE || scheduled != next)) {
            due.remove(scheduled, t.id());
            a.setScheduledDue(null);
        }
        if (next != Token.NONE && (scheduled == null || scheduled != next)) {
            if (next <= firedUpTo) {
                // Already past (a late record): judge it now rather than waiting for time to reach it again.
                onDeadline(t, next);
                save(t, next);
                return;
            }
            due.put(next, t.id());
            if (scheduledWhileFiring != null) {
                scheduledWhileFiring.add(new DueIndex.Due(next, t.id()));
            }
            a.setScheduledDue(next);
        }
        episodes.incident(t, at);
        tokens.put(t.id(), t.state());
    }

    /** Facts of a record judged late are marked so: the report counts the record once (see MetricFacts#late). */
    void judgingLate(boolean late) {
        episodes.judgingLate(late);
    }
}
