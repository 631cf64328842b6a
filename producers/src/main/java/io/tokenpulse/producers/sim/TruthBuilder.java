package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles the ground truth once every day was generated: the stories' designed state conditions, the oracle's
 * event conditions, the conditions that follow from lifecycle steps alone (EXPIRY_POLICY_VIOLATION,
 * EXPIRING_UNREPLACED, SCOPE_CREEP: computed for every token, so a story that incidentally expires inside the
 * run is in the truth too), REPLACEMENT_OVERDUE and the incidents' metrics. Entries after
 * {@link SimConfig#truthUntilMs()} are left out.
 */
final class TruthBuilder {
    private final FleetPlan plan;
    private final EventOracle oracle;
    private final long until;
    /** Token id -> the earliest time a token naming it in replacesTokenId was issued. */
    private final Map<String, Long> replacedAt = new HashMap<>();

    TruthBuilder(FleetPlan plan, EventOracle oracle) {
        this.plan = plan;
        this.oracle = oracle;
        this.until = plan.config().truthUntilMs();
        for (TokenPlan p : plan.tokens()) {
            for (LifecycleStep s : p.steps) {
                if (s.replacesTokenId() != null) {
                    replacedAt.merge(s.replacesTokenId(), s.at(), Math::min);
                }
            }
        }
    }

    GroundTruth build() {
        List<TruthEntry> all = new ArrayList<>(plan.designed());
        all.addAll(oracle.alerts());
        for (TokenPlan p : plan.tokens()) {
            expiryPolicy(p, all);
            expiringUnreplaced(p, all);
            scopeCreep(p, all);
        }
        List<IncidentTruth> incidents = new ArrayList<>();
        for (IncidentPlan i : plan.incidents()) {
            incidents.add(incident(i, all));
        }
        List<TruthEntry> kept = new ArrayList<>(all.stream().filter(t -> t.eventTime() <= until).toList());
        kept.sort(TruthEntry.ORDER);
        incidents.sort(java.util.Comparator.comparingLong(IncidentTruth::detectedAt).thenComparing(IncidentTruth::tokenId));
        return new GroundTruth(plan.config(), plan.tenants(), kept, incidents);
    }

    /** Starts holding at an ISSUED/ROTATED/RENEWED whose expiry is absent or too far; alerts once per episode. */
    private void expiryPolicy(TokenPlan p, List<TruthEntry> out) {
        long issued = p.issuedAt();
        boolean open = false;
        for (LifecycleStep s : p.steps) {
            if (s.type() != LifecycleType.ISSUED && s.type() != LifecycleType.ROTATED && s.type() != LifecycleType.RENEWED) {
                continue;
            }
            boolean violates = s.expiresAt() == NONE || s.expiresAt() - issued > SimPolicy.MAXL;
            if (violates && !open && p.activeAt(s.at())) {
                out.add(new TruthEntry(AlertType.EXPIRY_POLICY_VIOLATION, p.tenant, p.id, s.at(), p.story));
            }
            open = violates;
        }
    }

    /** For each expiry a token was given: warned when it comes within the warning, still active and unreplaced. */
    private void expiringUnreplaced(TokenPlan p, List<TruthEntry> out) {
        Set<Long> seen = new HashSet<>();
        for (LifecycleStep s : p.steps) {
            if ((s.type() != LifecycleType.ISSUED && s.type() != LifecycleType.ROTATED && s.type() != LifecycleType.RENEWED)
                    || s.expiresAt() == NONE || !seen.add(s.expiresAt())) {
                continue;
            }
            long holdsFrom = Math.max(s.at(), s.expiresAt() - SimPolicy.W);
            Long replaced = replacedAt.get(p.id);
            if (holdsFrom < s.expiresAt() && p.expiresAtAsOf(holdsFrom) == s.expiresAt() && p.activeAt(holdsFrom)
                    && (replaced == null || replaced > holdsFrom)) {
                out.add(new TruthEntry(AlertType.EXPIRING_UNREPLACED, p.tenant, p.id, holdsFrom, p.story));
            }
        }
    }

    /**
     * A SCOPES_CHANGED beyond the token's previous grant, or a ROTATED/ISSUED beyond the grant of the token it
     * replaces: raised on the token the event names, at the event's time.
     */
    private void scopeCreep(TokenPlan p, List<TruthEntry> out) {
        for (LifecycleStep s : p.steps) {
            List<String> previous;
            if (s.type() == LifecycleType.SCOPES_CHANGED) {
                previous = p.scopesAsOf(s.at() - 1);
            } else if ((s.type() == LifecycleType.ROTATED || s.type() == LifecycleType.ISSUED) && s.replacesTokenId() != null) {
                TokenPlan replaced = plan.byId().get(s.replacesTokenId());
                if (replaced == null || replaced.unknown()) {
                    continue;
                }
                previous = replaced.scopesAsOf(s.at());
            } else {
                continue;
            }
            Set<String> added = new HashSet<>(s.scopes());
            added.removeAll(previous);
            if (!added.isEmpty()) {
                out.add(new TruthEntry(AlertType.SCOPE_CREEP, p.tenant, p.id, s.at(), p.story));
            }
        }
    }

    /**
     * The contract's incident metrics from what was generated: detectedAt from the oracle's signals and the report;
     * REPLACEMENT_OVERDUE when revocation and a replacement are not both in by detectedAt + SLA.
     */
    private IncidentTruth incident(IncidentPlan i, List<TruthEntry> out) {
        EventOracle.State s = oracle.state(i.tokenId());
        long detected = oracle.detectedAt(s);
        Long exposed = s.exposedAt == NONE ? null : s.exposedAt;
        Long revoked = s.revokedAt == NONE ? null : s.revokedAt;
        String replacement = i.replacementId();
        Long firstUsed = null;
        if (replacement != null) {
            EventOracle.State r = oracle.state(replacement);
            firstUsed = r == null || r.firstAllowedUse == NONE ? null : r.firstAllowedUse;
        }
        long deadline = detected + SimPolicy.SLA;
        Long replacedTime = replacedAt.get(i.tokenId());
        boolean revokedInTime = revoked != null && revoked <= deadline;
        boolean replacedInTime = replacedTime != null && replacedTime <= deadline;
        if (!(revokedInTime && replacedInTime)) {
            out.add(new TruthEntry(AlertType.REPLACEMENT_OVERDUE, i.tenant(), i.tokenId(), deadline, "compromise-" + i.response()));
        }
        return new IncidentTruth(i.tenant(), i.tokenId(), exposed, s.compromisedAt, detected, revoked, replacement, firstUsed,
                exposed == null ? null : detected - exposed,
                revoked == null ? null : revoked - detected,
                firstUsed == null ? null : firstUsed - detected);
    }
}
