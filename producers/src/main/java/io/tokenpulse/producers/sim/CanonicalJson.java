package io.tokenpulse.producers.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The contract's canonical JSON Lines for the four input kinds, so a simulated run can be written to a file and replayed
 * with {@code tokenpulse publish --format jsonl}. Members in a fixed order, absent optionals left out,
 * timestamps ISO-8601 UTC and policy durations ISO-8601, as the JSON Lines adapter reads them.
 */
public final class CanonicalJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CanonicalJson() {
    }

    public static String line(Object value) {
        ObjectNode n = JSON.createObjectNode();
        if (value instanceof TokenUsageEvent u) {
            n.put("kind", "usage");
            n.put("eventId", u.getEventId());
            n.put("tokenId", u.getTokenId());
            n.put("tenant", u.getTenant());
            n.put("occurredAt", iso(u.getOccurredAt()));
            optional(n, "principal", u.getPrincipal());
            optional(n, "serviceVersion", u.getServiceVersion());
            n.put("scope", u.getScope());
            optional(n, "resource", u.getResource());
            n.put("outcome", u.getOutcome().name());
            optional(n, "sourceIp", u.getSourceIp());
            optional(n, "userAgent", u.getUserAgent());
            optional(n, "region", u.getRegion());
            n.put("count", u.getCount());
        } else if (value instanceof TokenLifecycleEvent l) {
            n.put("kind", "lifecycle");
            n.put("eventId", l.getEventId());
            n.put("tokenId", l.getTokenId());
            n.put("tenant", l.getTenant());
            n.put("type", l.getType().name());
            n.put("occurredAt", iso(l.getOccurredAt()));
            optional(n, "owner", l.getOwner());
            optional(n, "principal", l.getPrincipal());
            optional(n, "serviceVersion", l.getServiceVersion());
            n.set("scopes", JSON.valueToTree(l.getScopes()));
            if (l.getExpiresAt() != null) {
                n.put("expiresAt", iso(l.getExpiresAt()));
            }
            optional(n, "replacesTokenId", l.getReplacesTokenId());
            if (l.getExposedAt() != null) {
                n.put("exposedAt", iso(l.getExposedAt()));
            }
            optional(n, "reason", l.getReason());
            n.put("issuer", l.getIssuer());
            if (l.getAttributes() != null && !l.getAttributes().isEmpty()) {
                n.set("attributes", JSON.valueToTree(new java.util.TreeMap<>(l.getAttributes())));
            }
        } else if (value instanceof ServiceDeploymentEvent d) {
            n.put("kind", "deployment");
            n.put("eventId", d.getEventId());
            n.put("tenant", d.getTenant());
            n.put("service", d.getService());
            n.put("version", d.getVersion());
            n.put("type", d.getType().name());
            n.put("occurredAt", iso(d.getOccurredAt()));
        } else if (value instanceof TokenPolicy p) {
            n.put("kind", "policy");
            n.put("tenant", p.getTenant());
            duration(n, "unusedAfter", p.getUnusedAfterMs());
            duration(n, "scopeObservation", p.getScopeObservationMs());
            duration(n, "maxLifetime", p.getMaxLifetimeMs());
            duration(n, "expiryWarning", p.getExpiryWarningMs());
            duration(n, "replacementSla", p.getReplacementSlaMs());
            duration(n, "sourceLearning", p.getSourceLearningMs());
            if (p.getSpikeFactor() != null) {
                n.put("spikeFactor", p.getSpikeFactor());
            }
            if (p.getSpikeMinCount() != null) {
                n.put("spikeMinCount", p.getSpikeMinCount());
            }
            if (p.getProbeThreshold() != null) {
                n.put("probeThreshold", p.getProbeThreshold());
            }
            duration(n, "probeWindow", p.getProbeWindowMs());
            duration(n, "alertCooldown", p.getAlertCooldownMs());
            duration(n, "unknownGrace", p.getUnknownGraceMs());
            if (p.getDiscoverUnknown() != null) {
                n.put("discoverUnknown", p.getDiscoverUnknown());
            }
            duration(n, "ephemeralLifetime", p.getEphemeralLifetimeMs());
            if (p.getOccurredAt() != null) {
                n.put("occurredAt", iso(p.getOccurredAt()));
            }
            if (p.getEffectiveFrom() != null) {
                n.put("effectiveFrom", iso(p.getEffectiveFrom()));
            }
        } else {
            throw new IllegalArgumentException("not an input event: " + (value == null ? "null" : value.getClass().getName()));
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void optional(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static void duration(ObjectNode n, String field, Long ms) {
        if (ms != null) {
            n.put(field, Duration.ofMillis(ms).toString());
        }
    }

    private static String iso(Instant t) {
        return t.toString();
    }

}
