package io.tokenpulse.app.detect;

import io.tokenpulse.app.metrics.IncidentTimelines;
import io.tokenpulse.app.metrics.MetricFacts;
import io.tokenpulse.app.metrics.PostureFlags;
import io.tokenpulse.app.state.TokenStates;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.TokenActivity;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.TokenState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * links from other tasks, episodes of the state conditions, incidents and the facts the reports count.
 *
 * <p>Nothing here looks at the wall clock or at how records arrived, so the same records give the same outputs.
 */
final class TokenJudge {
    private static final Logger LOG = LoggerFactory.getLogger(TokenJudge.class);
    private static final Set<AlertType> SIGNALS = EnumSet.of(AlertType.NEW_SOURCE, AlertType.USAGE_SPIKE,
            AlertType.SCOPE_PROBING, AlertType.PRINCIPAL_MISMATCH, AlertType.VERSION_MISMATCH);
    private static final int MAX_SIGNALS = 64;
    private static final int MAX_DUE_PER_PASS = 10_000;
    private static final int MAX_VERSIONS = 16;
    private static final int INCIDENT_COUNTED = 1;
    private static final int DETECT_COUNTED = 2;
    private static final int REVOKE_COUNTED = 4;
    private static final int REPLACE_COUNTED = 8;
    private static final char TENANT_SEPARATOR = '\u0000';

    private final KeyValueStore<String, TokenState> tokens;
    private final DueIndex due;
    private final KeyValueStore<String, String> tenantIndex;
    private final PolicyTimeline policies;
    private final AlertFactory alerts;
    private final Consumer<Record<String, TokenOutput>> out;
    /** Every deadline at or before this has fired (kept in the due index's own order; see fireDue). */
    private long firedUpTo;
    private boolean judgingLate;

    TokenJudge(KeyValueStore<String, TokenState> tokens, KeyValueStore<Bytes, byte[]> dueStore,
               KeyValueStore<String, String> tenantIndex, PolicyTimeline policies, Clock clock,
               Consumer<Record<String, TokenOutput>> out, long firedUpTo) {
        this.tokens = tokens;
        this.due = new DueIndex(dueStore);
        this.tenantIndex = tenantIndex;
        this.policies = policies;
        this.alerts = new AlertFactory(clock);
        this.out = out;
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
     * Fires every deadline up to {@code upTo}, earliest first. Every entry at or before firedUpTo has fired: a deadline
     * scheduled later than that is put, an earlier one fires at once (see save), so the scan starts after it.
     */
    void fireDue(long upTo) {
        if (upTo <= firedUpTo) {
            return;
        }
        List<DueIndex.Due> entries;
        long from = firedUpTo == Long.MIN_VALUE ? 0L : firedUpTo + 1;
        do {
            entries = due.dueBetween(from, upTo, MAX_DUE_PER_PASS);
            for (DueIndex.Due d : entries) {
                due.remove(d.at(), d.tokenId());
                TokenState stored = tokens.get(d.tokenId());
                if (stored == null) {
                    continue;
                }
                Token t = new Token(stored);
                if (t.activity().getScheduledDue() == null || t.activity().getScheduledDue() != d.at()) {
                    continue; // a stale entry: the token was rescheduled since
                }
                t.activity().setScheduledDue(null);
                onDeadline(t, d.at());
                save(t, d.at());
            }
            // A deadline fired above may schedule the token's next one, still <= upTo, and every deadline <= upTo must
            // fire before a record later than it is judged.
        } while (!entries.isEmpty());
        firedUpTo = upTo;
    }

    private void onDeadline(Token t, long at) {
        Policy p = policy(t.tenant(), at);
        TokenActivity a = t.activity();
        if (!t.known() && a.getPendingUnknownFirstAt() != null
                && at >= a.getPendingUnknownFirstAt() + p.unknownGrace().toMillis()) {
            judgeUnknown(t, p, at);
        }
        if (t.known() && t.endAt() != Token.NONE && at >= t.endAt()) {
            bind(t, at);
        }
        evaluate(t, p, at);
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
        trackGrants(a, scopesBefore, next.getScopes(), at, e.getType());

        if (e.getType() == LifecycleType.SCOPES_CHANGED) {
            boolean hadGrant = stored != null && stored.getScopesGrantedAt() != null;
            scopeCreep(t, p, e.getEventId(), at, hadGrant, scopesBefore, next.getScopes(), tokenId, t.state().getOwner(),
                    t.state().getPrincipal(), "its previous grant");
        }
        if (e.getType() == LifecycleType.COMPROMISED) {
            updateDetection(t);
        }
        bind(t, at);
        evaluate(t, p, Math.max(at, evaluatedAt(t)));
        save(t, at);
    }

    private static void trackGrants(TokenActivity a, List<String> before, List<String> after, long at, LifecycleType type) {
        if (type != LifecycleType.ISSUED && type != LifecycleType.ROTATED && type != LifecycleType.SCOPES_CHANGED) {
            return;
        }
        Map<String, Long> granted = a.getScopeGrantedAt();
        Set<String> now = new HashSet<>(after);
        granted.keySet().removeIf(s -> !now.contains(s));
        for (String scope : after) {
            Long g = granted.get(scope);
            if (g == null || (!before.contains(scope) && at < g)) {
                granted.put(scope, before.contains(scope) && g != null ? g : at);
            }
        }
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
            raiseEvent(about, p, f);
        } else {
            emit(f); // raised on the replacing token from the replaced one's partition: one alert per rotation
        }
    }

    // ---- usage ----------------------------------------------------------------------------------

    private void onUsage(String tokenId, TokenState stored, TokenUsageEvent u) {
        long at = u.getOccurredAt().toEpochMilli();
        TokenState state = stored != null ? stored : unknownToken(tokenId, u);
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
            raiseEvent(t, p, f);
        }
        String owner = t.state().getOwner();
        if (a.getAttemptsAfterRevocation() > attemptsBefore) {
            fact(MetricFacts.of(FactKind.RESIDUAL_EXPOSURE, t.tenant(), owner, at, a.getAttemptsAfterRevocation() - attemptsBefore));
        }
        if (u.getOutcome() == UsageOutcome.DENIED_EXPIRED) {
            fact(MetricFacts.of(FactKind.EXPIRY_BREAKAGE, t.tenant(), owner, at, Math.max(1, u.getCount())));
        }
        evaluate(t, p, Math.max(at, evaluatedAt(t)));
        save(t, at);
    }

    private static TokenState unknownToken(String tokenId, TokenUsageEvent u) {
        return TokenState.newBuilder()
                .setTokenId(tokenId)
                .setTenant(u.getTenant())
                .setFirstEventAt(u.getOccurredAt())
                .setLastEventAt(u.getOccurredAt())
                .setActivity(TokenActivity.newBuilder().build())
                .build();
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
        raiseEvent(t, p, new Finding(AlertType.UNKNOWN_TOKEN_USED, t.tenant(), t.id(), null, null, at,
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
            case VERSION_RETIRED, VERSION_DEPLOYED -> versionNews(a, link);
            default -> {
                return; // promises and policies never reach the judge
            }
        }
        evaluate(t, p, Math.max(at, evaluatedAt(t)));
        save(t, at);
    }

    /**
     * A deployment event of a version this token is (or was) bound to. The version processor may tell a token of one
     * late (the binding or the deployment reached it later), so the latest deployment event by its own time wins, not
     * the latest told; a retirement and a deployment at the same millisecond count as retired.
     */
    private static void versionNews(TokenActivity a, TokenLink link) {
        String key = link.getVersionKey();
        if (key == null) {
            return;
        }
        long happened = link.getOrigAt() == null ? link.getAt() : link.getOrigAt();
        boolean retired = link.getKind() == LinkKind.VERSION_RETIRED;
        Long latest = a.getVersionEventAt().get(key);
        if (latest != null && (happened < latest || (happened == latest && !retired))) {
            return;
        }
        if (latest == null && a.getVersionEventAt().size() >= MAX_VERSIONS) {
            return; // bounded: a token bound to this many versions is a data error, and the first ones are kept
        }
        a.getVersionEventAt().put(key, happened);
        if (retired) {
            a.getVersionRetiredSince().merge(key, link.getAt(), Math::min);
        } else {
            a.getVersionRetiredSince().remove(key);
        }
        a.setRetiredVersionAt(Objects.equals(key, a.getBoundVersionKey()) ? a.getVersionRetiredSince().get(key)
                : a.getRetiredVersionAt());
    }

    // ---- episodes and output --------------------------------------------------------------------

    /** Opens episodes for state conditions that started holding, closes those that stopped. */
    private void evaluate(Token t, Policy p, long now) {
        if (!t.known()) {
            return;
        }
        Map<AlertType, Finding> holding = StateConditions.holding(t, p, now);
        Map<String, Long> open = t.activity().getOpenConditions();
        for (AlertType type : StateConditions.TYPES) {
            Finding f = holding.get(type);
            if (f == null) {
                open.remove(type.name());
            } else if (!open.containsKey(type.name())) {
                open.put(type.name(), now);
                emit(f);
                noteSignal(t, f);
            }
        }
        t.activity().setEvaluatedAt(Math.max(now, evaluatedAt(t)));
        posture(t, p, now);
    }

    /** Sends the reports a change of the token's posture flags, and its lifespan once it ended. */
    private void posture(Token t, Policy p, long now) {
        TokenActivity a = t.activity();
        int flags = PostureFlags.of(t, p, now, a.getOpenConditions());
        String owner = t.state().getOwner();
        if (flags != a.getPostureFlags() || (flags != 0 && !java.util.Objects.equals(owner, a.getPostureOwner()))) {
            fact(MetricFacts.gauges(t.tenant(), owner, flags, a.getPostureOwner(), a.getPostureFlags(), now));
            a.setPostureFlags(flags);
            a.setPostureOwner(owner);
        }
        long end = t.endAt();
        if (!a.getLifespanCounted() && t.issuedAt() != Token.NONE && end != Token.NONE && now >= end) {
            a.setLifespanCounted(true);
            fact(MetricFacts.of(FactKind.LIFESPAN, t.tenant(), owner, end, Math.max(0, end - t.issuedAt())));
        }
    }

    /**
     * Writes the incident timeline when it changed, and sends the reports each of its figures once, at the event
     * time it became known ({@code at}): the incident and its time to detect when reported, time to revoke at
     * revocation, time to replace at the replacement's first allowed use.
     */
    private void incident(Token t, long at) {
        IncidentTimeline timeline = IncidentTimelines.of(t);
        if (timeline == null) {
            return;
        }
        TokenActivity a = t.activity();
        long digest = IncidentTimelines.digest(timeline);
        if (a.getIncidentDigest() == null || a.getIncidentDigest() != digest) {
            a.setIncidentDigest(digest);
            out.accept(new Record<>(t.id(), new TokenOutput.Incident(timeline), at));
        }
        String owner = t.state().getOwner();
        int counted = a.getIncidentFacts();
        if ((counted & INCIDENT_COUNTED) == 0) {
            counted |= INCIDENT_COUNTED;
            fact(MetricFacts.of(FactKind.INCIDENT, t.tenant(), owner, at, 1));
        }
        if ((counted & DETECT_COUNTED) == 0 && timeline.getTimeToDetectMs() != null) {
            counted |= DETECT_COUNTED;
            fact(MetricFacts.of(FactKind.TIME_TO_DETECT, t.tenant(), owner, at, timeline.getTimeToDetectMs()));
        }
        if ((counted & REVOKE_COUNTED) == 0 && timeline.getTimeToRevokeMs() != null) {
            counted |= REVOKE_COUNTED;
            fact(MetricFacts.of(FactKind.TIME_TO_REVOKE, t.tenant(), owner, at, timeline.getTimeToRevokeMs()));
        }
        if ((counted & REPLACE_COUNTED) == 0 && timeline.getTimeToReplaceMs() != null) {
            counted |= REPLACE_COUNTED;
            fact(MetricFacts.of(FactKind.TIME_TO_REPLACE, t.tenant(), owner, at, timeline.getTimeToReplaceMs()));
        }
        a.setIncidentFacts(counted);
    }

    /** Event conditions: the first occurrence alerts; later ones within the cooldown fold into the next alert. */
    private void raiseEvent(Token t, Policy p, Finding f) {
        String type = f.type().name();
        TokenActivity a = t.activity();
        Long last = a.getLastAlertAt().get(type);
        if (last != null && f.eventTime() < last + p.alertCooldown().toMillis()) {
            a.getFoldedSince().merge(type, 1L, Long::sum);
            return;
        }
        Long folded = a.getFoldedSince().remove(type);
        Map<String, String> ev = new LinkedHashMap<>(f.evidence());
        if (folded != null && folded > 0) {
            ev.put("foldedSincePreviousAlert", Long.toString(folded));
        }
        a.getLastAlertAt().put(type, f.eventTime());
        Finding withFolds = new Finding(f.type(), f.tenant(), f.tokenId(), f.owner(), f.principal(), f.eventTime(),
                f.discriminator(), f.summary(), ev, f.suggestedScopes());
        emit(withFolds);
        noteSignal(t, withFolds);
    }

    private void noteSignal(Token t, Finding f) {
        if (!SIGNALS.contains(f.type())) {
            return;
        }
        List<Long> signals = t.activity().getSignalTimes();
        signals.add(f.eventTime());
        if (signals.size() > MAX_SIGNALS) {
            signals.remove(0);
        }
        if (t.compromised()) {
            updateDetection(t);
        }
    }

    /** detectedAt: the earliest of the COMPROMISED report and the first signal at or after exposure (or issue). */
    private static void updateDetection(Token t) {
        long reported = Token.ms(t.state().getCompromisedAt());
        long from = t.state().getExposedAt() != null ? t.state().getExposedAt().toEpochMilli() : t.issuedAt();
        long detected = reported;
        for (long s : t.activity().getSignalTimes()) {
            if ((from == Token.NONE || s >= from) && s < detected) {
                detected = s;
            }
        }
        t.activity().setDetectedAt(detected);
    }

    private void emit(Finding f) {
        TokenAlert alert = alerts.alert(f);
        LOG.debug("alert {} {} on {} at {}", alert.getType(), alert.getAlertId(), alert.getTokenId(), alert.getEventTime());
        out.accept(new Record<>(f.tokenId(), new TokenOutput.Alert(alert, alerts.action(alert)), f.eventTime()));
        fact(MetricFacts.alert(f.tenant(), f.owner(), f.type().name(), f.eventTime()));
    }

    /** Which version this token is bound to while it is active (the version processor learns it from the relay). */
    private static void bind(Token t, long at) {
        TokenActivity a = t.activity();
        String principal = t.state().getPrincipal();
        String version = t.state().getServiceVersion();
        String key = principal == null || version == null || !t.activeAt(at) ? null : versionKey(t.tenant(), principal, version);
        if (!Objects.equals(key, a.getBoundVersionKey())) {
            a.setBoundVersionKey(key);
            a.setRetiredVersionAt(key == null ? null : a.getVersionRetiredSince().get(key));
        }
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
                long at = Math.max(now, evaluatedAt(t));
                evaluate(t, policy(tenant, at), at);
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
        long evaluated = evaluatedAt(t);
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
            a.setScheduledDue(next);
        }
        incident(t, at);
        tokens.put(t.id(), t.state());
    }

    private static long evaluatedAt(Token t) {
        Long e = t.activity().getEvaluatedAt();
        return e == null ? Long.MIN_VALUE : e;
    }

    /** Facts of a record judged late are marked so: the report counts the record once (see MetricFacts#late). */
    void judgingLate(boolean late) {
        this.judgingLate = late;
    }

    private void fact(MetricFact f) {
        f.setLate(judgingLate);
        out.accept(new Record<>(f.getTenant(), new TokenOutput.Fact(f), f.getAt()));
    }
}
