package io.tokenpulse.app.detect;

import io.tokenpulse.app.metrics.IncidentTimelines;
import io.tokenpulse.app.metrics.MetricFacts;
import io.tokenpulse.app.metrics.PostureFlags;
import io.tokenpulse.app.state.TokenStates;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.TokenActivity;
import io.tokenpulse.avro.state.TokenBinding;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.TokenState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything TokenPulse judges about one token, keyed by tokenId: its lifecycle, its uses, the links
 * other tokens send it, and its deadlines. One store read and one write per input; deadlines fire from
 * the due-time index before any record later than them is applied, so replay and live agree.
 */
public final class TokenProcessor implements Processor<String, TokenInput, String, TokenOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(TokenProcessor.class);
    private static final Set<AlertType> SIGNALS = EnumSet.of(AlertType.NEW_SOURCE, AlertType.USAGE_SPIKE,
            AlertType.SCOPE_PROBING, AlertType.PRINCIPAL_MISMATCH, AlertType.VERSION_MISMATCH);
    private static final int MAX_SIGNALS = 64;
    private static final int MAX_USE_IDS = 64;
    private static final int MAX_DUE_PER_PASS = 10_000;
    /** Watermarks go to the report processor each time event time enters a new minute. */
    private static final long WATERMARK_STEP = 60_000;
    private static final int INCIDENT_COUNTED = 1;
    private static final int DETECT_COUNTED = 2;
    private static final int REVOKE_COUNTED = 4;
    private static final int REPLACE_COUNTED = 8;

    private final DetectionSettings settings;
    private final Clock clock;
    private final AlertFactory alerts;
    private final EventClock eventClock;

    private ProcessorContext<String, TokenOutput> context;
    private KeyValueStore<String, TokenState> tokens;
    private DueIndex due;
    private KeyValueStore<String, String> tenantIndex;
    /** The policies this task last scheduled with, to notice a change (see {@link #checkPolicies}). */
    private final Map<String, Policy> appliedPolicies = new java.util.HashMap<>();
    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<TokenPolicy>> policies;
    private long firedUpTo = Long.MIN_VALUE;
    private long lastRecordWall;
    private long lastStreamTime = Long.MIN_VALUE;
    private long lastWatermark = Long.MIN_VALUE;

    public TokenProcessor(DetectionSettings settings, Clock clock, EventClock eventClock) {
        this.settings = settings;
        this.clock = clock;
        this.eventClock = eventClock;
        this.alerts = new AlertFactory(clock);
    }

    @Override
    public void init(ProcessorContext<String, TokenOutput> context) {
        this.context = context;
        this.tokens = context.getStateStore(DetectionTopology.TOKEN_STORE);
        this.due = new DueIndex(context.getStateStore(DetectionTopology.DUE_STORE));
        this.tenantIndex = context.getStateStore(DetectionTopology.TENANT_INDEX_STORE);
        this.policies = context.getStateStore(DetectionTopology.POLICY_STORE);
        this.lastRecordWall = context.currentSystemTimeMs();
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::idleTick);
    }

    @Override
    public void process(Record<String, TokenInput> record) {
        long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
        lastRecordWall = context.currentSystemTimeMs(); // the punctuator's clock, also under TopologyTestDriver
        lastStreamTime = Math.max(lastStreamTime, streamTime);
        eventClock.observe(lastStreamTime, lastRecordWall);
        fireDue(streamTime);
        watermark(streamTime);
        String tokenId = record.key();
        if (tokenId == null) {
            return; // validated upstream; a null key cannot address a token
        }
        TokenState stored = tokens.get(tokenId);
        TokenInput input = record.value();
        if (input instanceof TokenInput.Lifecycle l) {
            onLifecycle(tokenId, stored, l.event());
        } else if (input instanceof TokenInput.Usage u) {
            onUsage(tokenId, stored, u.event());
        } else if (input instanceof TokenInput.Link l) {
            onLink(tokenId, stored, l.link());
        }
    }

    /**
     * While the task gets no records it follows the instance's event time (see {@link EventClock}), so an idle
     * live system still notices tokens going unused; a busy task never gets here, so a replay is driven by
     * stream time alone.
     */
    private void idleTick(long wallNow) {
        checkPolicies();
        if (lastStreamTime == Long.MIN_VALUE) {
            long restored = context.currentStreamTimeMs();
            if (restored < 0) {
                // A task with no data yet still sends watermarks once idle, or the reports would wait for it forever.
                if (wallNow - lastRecordWall >= settings.idleAfter().toMillis()) {
                    long w = eventClock.safeIdleWatermark(wallNow, settings.idleAfter().toMillis());
                    if (w == Long.MIN_VALUE && !eventClock.observedAny()) {
                        // An instance given nothing at all for idleAfter (its partitions are empty): live time.
                        w = wallNow - settings.idleAfter().toMillis();
                    }
                    if (w != Long.MIN_VALUE) {
                        watermark(w);
                    }
                }
                return;
            }
            lastStreamTime = restored;
            eventClock.observe(restored, lastRecordWall);
        }
        if (wallNow - lastRecordWall < settings.idleAfter().toMillis()) {
            return;
        }
        long target = Math.max(lastStreamTime, eventClock.idleTime(wallNow, settings.idleAfter().toMillis()));
        fireDue(target);
        // Deadlines may follow the instance's furthest time, but a watermark is a promise that nothing earlier will come
        // from this task: only made past its own stream time once the whole instance has consumed everything.
        watermark(Math.max(lastStreamTime, eventClock.safeIdleWatermark(wallNow, settings.idleAfter().toMillis())));
    }

    /**
     * Tells the report processor that this task has sent every fact of event time before {@code at} (later input
     * is late by definition): the reports close a window only when all token tasks are past it.
     */
    private void watermark(long at) {
        if (lastWatermark != Long.MIN_VALUE && Math.floorDiv(at, WATERMARK_STEP) <= Math.floorDiv(lastWatermark, WATERMARK_STEP)) {
            return;
        }
        lastWatermark = at;
        fact(MetricFacts.watermark(context.taskId().partition(), at));
    }

    private void fact(MetricFact f) {
        context.forward(new Record<>(f.getTenant(), new TokenOutput.Fact(f), f.getAt()));
    }

    private void fireDue(long upTo) {
        if (upTo <= firedUpTo) {
            return;
        }
        List<DueIndex.Due> entries;
        // Every entry at or before firedUpTo has fired: a deadline scheduled later than that is put, an earlier one
        // fires at once (see save), so the scan starts after it. Not advanced within the pass: a deadline fired here
        // may schedule the token's next one before the last entry of this batch.
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
            // Not only while batches are full: a deadline fired above may schedule the token's next one, still <= upTo,
            // and every deadline <= upTo must fire before the record that moved time there is applied.
        } while (!entries.isEmpty());
        firedUpTo = upTo;
    }

    private void onDeadline(Token t, long at) {
        Policy p = policy(t.tenant());
        TokenActivity a = t.activity();
        if (!t.known() && a.getPendingUnknownFirstAt() != null
                && at >= a.getPendingUnknownFirstAt() + p.unknownGrace().toMillis()) {
            judgeUnknown(t, p, at);
        }
        if (t.known() && t.endAt() != Token.NONE && at >= t.endAt()) {
            publishBinding(t, at);
        }
        evaluate(t, p, at);
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    private void onLifecycle(String tokenId, TokenState stored, TokenLifecycleEvent e) {
        long at = e.getOccurredAt().toEpochMilli();
        List<String> scopesBefore = stored == null ? List.of() : List.copyOf(stored.getScopes());
        TokenState next = TokenStates.apply(stored, e);
        if (next == stored) {
            return; // a redelivered eventId changes nothing
        }
        Token t = new Token(next);
        indexIfNew(stored, t);
        TokenActivity a = t.activity();
        Policy p = policy(t.tenant());
        a.setKnownAt(a.getKnownAt() == null ? at : Math.min(a.getKnownAt(), at));
        a.setPendingUnknownFirstAt(null);
        a.setPendingUnknownUses(0L);
        trackGrants(a, scopesBefore, next.getScopes(), at, e.getType());

        if (e.getType() == LifecycleType.SCOPES_CHANGED) {
            boolean hadGrant = stored != null && stored.getScopesGrantedAt() != null;
            scopeCreep(t, p, e.getEventId(), at, hadGrant, scopesBefore, next.getScopes(), tokenId, t.state().getOwner(),
                    t.state().getPrincipal(), "its previous grant");
        }
        String replaced = e.getReplacesTokenId();
        if (replaced != null && (e.getType() == LifecycleType.ROTATED || e.getType() == LifecycleType.ISSUED)) {
            send(replaced, TokenLink.newBuilder().setKind(LinkKind.REPLACED_BY).setFromTokenId(tokenId)
                    .setTenant(t.tenant()).setAt(at).setEventId(e.getEventId()).setScopes(List.copyOf(next.getScopes()))
                    .setOwner(next.getOwner()).setPrincipal(next.getPrincipal()).build(), at);
        }
        if (e.getType() == LifecycleType.COMPROMISED) {
            updateDetection(t);
        }
        publishBinding(t, at);
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
        long idHash = SourceNetworks.hash(u.getEventId());
        if (a.getRecentUseIds().contains(idHash)) {
            return; // a redelivered eventId changes nothing
        }
        a.getRecentUseIds().add(idHash);
        if (a.getRecentUseIds().size() > MAX_USE_IDS) {
            a.getRecentUseIds().remove(0);
        }
        Policy p = policy(t.tenant());
        if (!t.known()) {
            a.setPendingUnknownUses(a.getPendingUnknownUses() + Math.max(1, u.getCount()));
            if (a.getPendingUnknownFirstAt() == null || at < a.getPendingUnknownFirstAt()) {
                a.setPendingUnknownFirstAt(at);
            }
        }
        Long firstAllowedBefore = a.getFirstAllowedUseAt();
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
        String replaces = t.state().getReplacesTokenId();
        if (replaces != null && u.getOutcome() == UsageOutcome.ALLOWED
                && (firstAllowedBefore == null || at < firstAllowedBefore)) {
            send(replaces, TokenLink.newBuilder().setKind(LinkKind.REPLACEMENT_USED).setFromTokenId(tokenId)
                    .setTenant(t.tenant()).setAt(at).setEventId(u.getEventId()).build(), at);
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
        Policy p = policy(t.tenant());
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
            case VERSION_RETIRED -> {
                if (link.getVersionKey() != null && link.getVersionKey().equals(a.getBoundVersionKey())) {
                    a.setRetiredVersionAt(at);
                }
            }
            case VERSION_DEPLOYED -> {
                if (link.getVersionKey() != null && link.getVersionKey().equals(a.getBoundVersionKey())) {
                    a.setRetiredVersionAt(null);
                }
            }
        }
        evaluate(t, p, Math.max(at, evaluatedAt(t)));
        save(t, at);
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
            context.forward(new Record<>(t.id(), new TokenOutput.Incident(timeline), at));
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
        context.forward(new Record<>(f.tokenId(), new TokenOutput.Alert(alert, alerts.action(alert)), f.eventTime()));
        fact(MetricFacts.alert(f.tenant(), f.owner(), f.type().name(), f.eventTime()));
    }

    private void send(String target, TokenLink link, long at) {
        context.forward(new Record<>(target, new TokenOutput.Link(target, link), at));
    }

    /** Tells the version processor which version this token is bound to while it is active. */
    private void publishBinding(Token t, long at) {
        TokenActivity a = t.activity();
        String principal = t.state().getPrincipal();
        String version = t.state().getServiceVersion();
        boolean active = t.activeAt(at);
        String key = principal == null || version == null || !active ? null : versionKey(t.tenant(), principal, version);
        String previous = a.getBoundVersionKey();
        if (previous != null && !previous.equals(key)) {
            forwardBinding(t.id(), previous, false, at);
            a.setRetiredVersionAt(null);
        }
        if (key != null && !key.equals(previous)) {
            forwardBinding(t.id(), key, true, at);
        }
        a.setBoundVersionKey(key);
    }

    private void forwardBinding(String tokenId, String key, boolean active, long at) {
        TokenBinding b = TokenBinding.newBuilder().setTokenId(tokenId).setVersionKey(key).setActive(active).setAt(at).build();
        context.forward(new Record<>(key, new TokenOutput.Binding(key, b), at));
    }

    /** The deployments topic's key: tenant/service@version (compacted by service and version). */
    public static String versionKey(String tenant, String service, String version) {
        return io.tokenpulse.schemas.Keys.deployment(tenant, service, version);
    }

    /**
     * "A policy applies from the moment it is read": when a tenant's policy changed since this task last looked
     * (checked every tick; tenants are few), its tokens here are judged again and their deadlines moved. The
     * cost is the tenant's tokens in this task, paid once per policy change.
     */
    private void checkPolicies() {
        Map<String, Policy> current = new java.util.HashMap<>();
        try (var it = policies.all()) {
            it.forEachRemaining(kv -> current.put(kv.key, Policy.of(kv.value == null ? null : kv.value.value())));
        }
        Set<String> changed = new java.util.TreeSet<>();
        current.forEach((tenant, p) -> {
            if (!p.equals(appliedPolicies.getOrDefault(tenant, Policy.DEFAULTS))) {
                changed.add(tenant);
            }
        });
        appliedPolicies.keySet().stream().filter(t -> !current.containsKey(t)).forEach(changed::add);
        appliedPolicies.clear();
        appliedPolicies.putAll(current);
        if (changed.isEmpty() || lastStreamTime == Long.MIN_VALUE) {
            return;
        }
        for (String tenant : changed) {
            List<String> ids = new ArrayList<>();
            try (var it = tenantIndex.prefixScan(tenant + TENANT_SEPARATOR, new org.apache.kafka.common.serialization.StringSerializer())) {
                it.forEachRemaining(kv -> ids.add(kv.key.substring(tenant.length() + 1)));
            }
            LOG.info("Policy of tenant {} changed: judging its {} token(s) in this task again", tenant, ids.size());
            for (String id : ids) {
                TokenState stored = tokens.get(id);
                if (stored != null) {
                    Token t = new Token(stored);
                    long now = Math.max(lastStreamTime, evaluatedAt(t));
                    evaluate(t, policy(tenant), now);
                    save(t, now);
                }
            }
        }
    }

    private static final char TENANT_SEPARATOR = '\u0000';

    /** Remembers a new token under its tenant, for {@link #checkPolicies}. */
    private void indexIfNew(TokenState stored, Token t) {
        if (stored == null) {
            tenantIndex.put(t.tenant() + TENANT_SEPARATOR + t.id(), "");
        }
    }

    private void save(Token t, long at) {
        Policy p = policy(t.tenant());
        long evaluated = evaluatedAt(t);
        long next = t.known() ? StateConditions.nextChange(t, p, Math.max(evaluated, at)) : Token.NONE;
        TokenActivity a = t.activity();
        if (!t.known() && a.getPendingUnknownFirstAt() != null) {
            next = a.getPendingUnknownFirstAt() + p.unknownGrace().toMillis();
        }
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

    private Policy policy(String tenant) {
        ValueAndTimestamp<TokenPolicy> p = tenant == null ? null : policies.get(tenant);
        return Policy.of(p == null ? null : p.value());
    }

    /** Tunables of the time machinery. */
    public record DetectionSettings(Duration tick, Duration idleAfter) {
        public static final DetectionSettings DEFAULTS = new DetectionSettings(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
}
