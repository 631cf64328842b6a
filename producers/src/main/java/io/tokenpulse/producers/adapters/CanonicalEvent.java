package io.tokenpulse.producers.adapters;

import io.tokenpulse.schemas.TopicDef;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event ready to publish: the contract topic it belongs on, its key and its Avro value. Keys: usage and
 * lifecycle by tokenId, policies by tenant, deployments by {@code tenant/service@version} so that the
 * compacted deployments topic keeps the latest event of every version (docs/CONTRACT.md: compacted by service+version).
 */
public record CanonicalEvent(TopicDef topic, String key, SpecificRecord value) {
    public CanonicalEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /**
     * The event time ({@code occurredAt}) in epoch millis, or null when the record has none (a policy without
     * {@code occurredAt}): what multi-file input is merged by.
     */
    public Long eventTimeMillis() {
        var field = value.getSchema().getField("occurredAt");
        if (field == null) {
            return null;
        }
        Object v = value.get(field.pos());
        if (v instanceof java.time.Instant i) {
            return i.toEpochMilli();
        }
        return v instanceof Long l ? l : null;
    }

    /** The deployments topic's key for a version of a tenant's service. */
    public static String deploymentKey(String tenant, String service, String version) {
        return io.tokenpulse.schemas.Keys.deployment(tenant, service, version);
    }
}
