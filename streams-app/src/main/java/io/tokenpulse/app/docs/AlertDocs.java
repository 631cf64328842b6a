package io.tokenpulse.app.docs;

import io.tokenpulse.avro.AlertType;
import java.util.EnumMap;
import java.util.Map;

/**
 * The condition of every alert type in one sentence, for the alert catalogue in docs/CONTRACT.md. Kept beside the
 * generator rather than in prose so that a new {@link AlertType} fails {@code GeneratedDocsTest} until it is
 * described here. The words (active, use, allowed use, ...) are defined in the contract's "Words" section.
 */
public final class AlertDocs {
    private static final Map<AlertType, String> CONDITIONS = new EnumMap<>(Map.ofEntries(
            Map.entry(AlertType.UNUSED_TOKEN, "an active token older than `unusedAfter` has had no allowed use for"
                    + " `unusedAfter` (a token never used at all included)"),
            Map.entry(AlertType.OVER_PRIVILEGED, "an active token older than `scopeObservation` made allowed uses in"
                    + " the last `scopeObservation` but not in every scope it was granted; a scope granted more recently"
                    + " than that is not judged yet; `suggestedScopes` lists the scopes it did use (a token with no use at"
                    + " all is UNUSED_TOKEN instead)"),
            Map.entry(AlertType.SCOPE_CREEP, "a ROTATED, an ISSUED with `replacesTokenId`, or a SCOPES_CHANGED grants"
                    + " a scope that the grant it succeeds (the replaced token's scopes, or this token's previous grant)"
                    + " did not have; raised on the token the event is about; `suggestedScopes` lists the grant it"
                    + " succeeded"),
            Map.entry(AlertType.SCOPE_PROBING, "`probeThreshold` uses refused with DENIED_SCOPE (counting `count`) fall"
                    + " within one span of `probeWindow`"),
            Map.entry(AlertType.REVOKED_TOKEN_USED, "a use at or after the token's REVOKED"),
            Map.entry(AlertType.EXPIRED_TOKEN_USED, "a use at or after the token's expiry, unless it was revoked before"
                    + " it expired (that is REVOKED_TOKEN_USED)"),
            Map.entry(AlertType.UNKNOWN_TOKEN_USED, "a use of a token that is still not known `unknownGrace` after the"
                    + " use's event time (never raised with `discoverUnknown`: the token is discovered instead)"),
            Map.entry(AlertType.NEW_SOURCE, "once a token has `sourceLearning` of history since its first event, a use"
                    + " from a network (IPv4 /24, IPv6 /64) or a user agent it was never seen with; each use is checked"
                    + " first and its sources learned after"),
            Map.entry(AlertType.USAGE_SPIKE, "in a 5-minute window aligned to the epoch, the token's uses (all"
                    + " outcomes, summing `count`) reach `spikeMinCount` and are more than `spikeFactor` times its"
                    + " average per 5-minute window since its first use (empty windows count as 0, the current one is"
                    + " left out)"),
            Map.entry(AlertType.PRINCIPAL_MISMATCH, "a use whose `principal` is set and differs from the token's"
                    + " `principal` (also set)"),
            Map.entry(AlertType.VERSION_MISMATCH, "a use by the token's own principal whose `serviceVersion` is set"
                    + " and differs from the version the token is bound to (also set)"),
            Map.entry(AlertType.RETIRED_VERSION_TOKEN, "an active token is bound to a service version that was"
                    + " RETIRED (bound: the token's `principal` is the deployment's `service` and its `serviceVersion`"
                    + " the deployment's `version`)"),
            Map.entry(AlertType.EXPIRY_POLICY_VIOLATION, "a token issued without an expiry, or with a lifetime over"
                    + " `maxLifetime`, or a RENEWED that takes its lifetime over `maxLifetime`"),
            Map.entry(AlertType.EXPIRING_UNREPLACED, "an active token that is not ephemeral expires within"
                    + " `expiryWarning`, and no issued token names it in `replacesTokenId`"),
            Map.entry(AlertType.REPLACEMENT_OVERDUE, "a compromised token is not both revoked and replaced (a"
                    + " replacement issued) within `replacementSla` of its incident's detectedAt")));

    private AlertDocs() {
    }

    /** The condition of {@code type}; throws for a type nobody has described yet. */
    public static String condition(AlertType type) {
        String c = CONDITIONS.get(type);
        if (c == null) {
            throw new IllegalStateException("AlertDocs has no condition for " + type + ": describe it there");
        }
        return c;
    }
}
