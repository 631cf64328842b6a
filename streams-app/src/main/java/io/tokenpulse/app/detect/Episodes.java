package io.tokenpulse.app.detect;

import io.tokenpulse.app.metrics.IncidentTimelines;
import io.tokenpulse.app.metrics.MetricFacts;
import io.tokenpulse.app.metrics.PostureFlags;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.TokenActivity;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link TokenJudge} says about a token, once it has judged it: episodes of the state conditions (an alert
 * when one starts holding), event alerts folded within their cooldown, the signals that date a compromise's
 * detection, the incident timeline, and the facts the reports count. The judge decides when; this decides what is
 * written, and remembers in the token's activity what was written already.
 */
final class Episodes {
    private static final Logger LOG = LoggerFactory.getLogger(Episodes.class);
    private static final Set<AlertType> SIGNALS = EnumSet.of(AlertType.NEW_SOURCE, AlertType.USAGE_SPIKE,
            AlertType.SCOPE_PROBING, AlertType.PRINCIPAL_MISMATCH, AlertType.VERSION_MISMATCH);
    private static final int MAX_SIGNALS = 64;
    private static final int INCIDENT_COUNTED = 1;
    private static final int DETECT_COUNTED = 2;
    private static final int REVOKE_COUNTED = 4;
    private static final int REPLACE_COUNTED = 8;

    private final AlertFactory alerts;
    private final Consumer<Record<String, TokenOutput>> out;
    private boolean judgingLate;

    Episodes(AlertFactory alerts, Consumer<Record<String, TokenOutput>> out) {
        this.alerts = alerts;
        this.out = out;
    }

    /** Opens episodes for state conditions that started holding, closes those that stopped. */
    void evaluate(Token t, Policy p, long now) {
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
        t.activity().setEvaluatedAt(Math.max(now, Activity.evaluatedAt(t)));
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
    void incident(Token t, long at) {
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
    void raiseEvent(Token t, Policy p, Finding f) {
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
            Activity.updateDetection(t);
        }
    }

    /** An alert, with its action, and the fact that counts it. */
    void emit(Finding f) {
        TokenAlert alert = alerts.alert(f);
        LOG.debug("alert {} {} on {} at {}", alert.getType(), alert.getAlertId(), alert.getTokenId(), alert.getEventTime());
        out.accept(new Record<>(f.tokenId(), new TokenOutput.Alert(alert, alerts.action(alert)), f.eventTime()));
        fact(MetricFacts.alert(f.tenant(), f.owner(), f.type().name(), f.eventTime()));
    }

    /** Facts of a record judged late are marked so: the report counts the record once (see MetricFacts#late). */
    void judgingLate(boolean late) {
        this.judgingLate = late;
    }

    void fact(MetricFact f) {
        f.setLate(judgingLate);
        out.accept(new Record<>(f.getTenant(), new TokenOutput.Fact(f), f.getAt()));
    }
}
