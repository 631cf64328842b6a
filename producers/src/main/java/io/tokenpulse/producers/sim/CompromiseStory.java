package io.tokenpulse.producers.sim;

import static io.tokenpulse.producers.sim.SimConfig.DAY;
import static io.tokenpulse.producers.sim.SimConfig.HOUR;
import static io.tokenpulse.producers.sim.SimConfig.MINUTE;
import static io.tokenpulse.producers.sim.TokenPlan.NONE;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.UsageOutcome;
import java.util.List;
import java.util.Set;

/**
 * A leak: exposure, then (mostly) an attacker from a new network who probes scopes and pulls a burst of data,
 * a COMPROMISED report, revocation and a replacement adopted after a delay. Responses: within the SLA (revocation
 * and replacement on the detection's UTC day, while the deadline falls on the next), late (both after the
 * deadline), or revoked and never replaced. Its incident is planned too; REPLACEMENT_OVERDUE and the
 * incident's metrics follow from what was generated (TruthBuilder), labelled compromise-(response).
 */
final class CompromiseStory extends Story {
    private static final List<String> PROBED = List.of("%s:admin", "%s:delete", "iam:CreateUser", "secrets:read",
            "org:admin", "s3:ListAllMyBuckets");

    CompromiseStory() {
        super("compromise", 0.04, Set.of(AlertType.NEW_SOURCE, AlertType.SCOPE_PROBING, AlertType.USAGE_SPIKE,
                AlertType.PRINCIPAL_MISMATCH, AlertType.REVOKED_TOKEN_USED, AlertType.REPLACEMENT_OVERDUE), Set.of());
    }

    @Override
    void plan(FleetDraft fleet, TenantServices services, String id) {
        Rng rng = fleet.rng;
        Service s = rng.pick(services.steady());
        List<String> scopes = s.baseScopes().subList(0, 1 + rng.nextInt(3));
        long issue = fleet.early();
        TokenPlan x = fleet.single(s, id, this, scopes, issue, issue + 30 * DAY);
        long exposed = rng.secondBetween(issue + 5 * DAY / 2, Math.max(issue + 5 * DAY / 2, fleet.until - 4 * DAY));
        boolean attacker = rng.chance(0.8);
        long detected;
        long reported;
        String attackerIp = (rng.chance(0.5) ? "203.0.113." : "198.51.100.") + (1 + rng.nextInt(250));
        String agent = rng.chance(0.5) ? "curl/8.5.0" : "python-requests/2.31";
        String attackerPrincipal = rng.chance(0.5) ? null : "ext-" + rng.nextInt(100);
        if (attacker) {
            detected = rng.secondBetween(exposed + HOUR, exposed + 12 * HOUR) + 250; // the first use: a NEW_SOURCE
            reported = rng.secondBetween(detected + HOUR, detected + 6 * HOUR);
            x.uses.add(new ExplicitUse(detected, scopes.get(0), UsageOutcome.ALLOWED, attackerPrincipal,
                    null, attackerIp, agent, 1));
            long probe = detected + rng.secondBetween(5 * MINUTE, 30 * MINUTE);
            for (int i = 0; i < 12; i++) {
                x.uses.add(new ExplicitUse(probe + i * 2_500L + 7, PROBED.get(i % PROBED.size()).replace("%s", s.name()),
                        UsageOutcome.DENIED_SCOPE, attackerPrincipal, null, attackerIp, agent, 1));
            }
            x.uses.add(new ExplicitUse(probe + rng.secondBetween(40 * MINUTE, 2 * HOUR) + 13, scopes.get(0),
                    UsageOutcome.ALLOWED, attackerPrincipal, null, attackerIp, agent, 200 + rng.nextInt(400)));
        } else {
            reported = rng.secondBetween(exposed + HOUR, exposed + 6 * HOUR);
            detected = reported;
        }
        boolean exposureKnown = !attacker || rng.chance(0.7);
        x.step(reported, LifecycleType.COMPROMISED, List.of(), NONE, null, exposureKnown ? exposed : NONE, "secret scanner");
        long dayEnd = Math.floorDiv(detected, DAY) * DAY + DAY;
        String response;
        long revokeAt;
        long replaceAt;
        if (dayEnd - reported >= 2 * HOUR && rng.chance(0.65)) {
            response = "within-sla";
            long latest = Math.min(dayEnd - 10 * MINUTE, reported + 12 * HOUR);
            revokeAt = rng.secondBetween(reported + 5 * MINUTE, latest);
            replaceAt = rng.secondBetween(reported + 10 * MINUTE, latest);
        } else if (rng.chance(0.6)) {
            response = "late";
            revokeAt = rng.secondBetween(detected + 26 * HOUR, detected + 36 * HOUR);
            replaceAt = rng.secondBetween(detected + 26 * HOUR, detected + 40 * HOUR);
        } else {
            response = "never-replaced";
            revokeAt = rng.secondBetween(reported + 10 * MINUTE, reported + 6 * HOUR);
            replaceAt = NONE;
        }
        x.step(revokeAt, LifecycleType.REVOKED, List.of(), NONE, null, NONE, "compromised");
        String replacement = null;
        long legitUntil;
        if (replaceAt != NONE) {
            TokenPlan y = Lineage.plan(fleet, s, id + "-n", label() + "-replacement", scopes, replaceAt, fleet.randomLifetime(),
                    Lineage.Stale.NONE, null);
            // The lineage starts with an ISSUED; make it a ROTATED that names the leaked token.
            LifecycleStep issued = y.steps.remove(0);
            y.step(issued.at(), LifecycleType.ROTATED, issued.scopes(), issued.expiresAt(), x.id, NONE, "replaces a leaked token");
            replacement = y.id;
            legitUntil = y.segments.isEmpty() ? replaceAt : y.segments.get(0).from();
        } else {
            legitUntil = revokeAt + rng.secondBetween(2 * HOUR, DAY);
        }
        // The owner's client keeps its old token until the replacement is adopted (denied once it is revoked).
        x.segments.add(fleet.segment(s, s.v1(), scopes, issue + rng.secondBetween(5 * MINUTE, HOUR), Math.min(fleet.end, legitUntil),
                scopes.size() + rng.nextInt(3), true));
        if (attacker) {
            long retry = revokeAt + rng.secondBetween(30 * MINUTE, 3 * HOUR) + 31;
            x.uses.add(new ExplicitUse(retry, scopes.get(0), UsageOutcome.DENIED_REVOKED,
                    attackerPrincipal, null, attackerIp, agent, 3));
            x.uses.add(new ExplicitUse(retry + rng.secondBetween(2 * HOUR, 4 * HOUR), scopes.get(0),
                    UsageOutcome.DENIED_REVOKED, attackerPrincipal, null, attackerIp, agent, 5));
        }
        fleet.incident(new IncidentPlan(x.id, x.tenant, exposed, exposureKnown, reported, detected, revokeAt, replacement, response));
    }
}
