package io.tokenpulse.app.ingest;

import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a deserialized input record must satisfy beyond its schema. Avro guarantees types; these rules add
 * what the contract means: ids present, event time plausible, the record keyed as its topic says (a wrong key
 * puts the record on the wrong partition, away from the state it needs), a use counting at least once.
 */
public final class Validation {
    private final PlausibleTime plausible;

    /** One input's rule: the problems with a record, as one human sentence, or empty when it is valid. */
    @FunctionalInterface
    public interface Rule<V> {
        Optional<String> problem(String key, V value);
    }

    public Validation(Clock clock, Duration maxFutureSkew) {
        this.plausible = new PlausibleTime(clock, maxFutureSkew);
    }

    public Rule<TokenLifecycleEvent> lifecycle() {
        return (key, e) -> {
            if (e == null) {
                return tombstone("TokenLifecycleEvent");
            }
            return tokenEvent(key, e.getEventId(), e.getTokenId(), e.getTenant(), e.getOccurredAt()).sentence("TokenLifecycleEvent");
        };
    }

    public Rule<TokenUsageEvent> usage() {
        return (key, e) -> {
            if (e == null) {
                return tombstone("TokenUsageEvent");
            }
            Problems p = tokenEvent(key, e.getEventId(), e.getTokenId(), e.getTenant(), e.getOccurredAt());
            if (e.getCount() < 1) {
                p.add("count is " + e.getCount() + ", must be at least 1");
            }
            return p.sentence("TokenUsageEvent");
        };
    }

    public Rule<ServiceDeploymentEvent> deployments() {
        return (key, e) -> {
            if (e == null) {
                // The topic is compacted: a tombstone only lets the broker forget an old deployment.
                return Optional.empty();
            }
            Problems p = new Problems();
            p.required("eventId", e.getEventId());
            p.required("tenant", e.getTenant());
            p.required("service", e.getService());
            p.required("version", e.getVersion());
            // The contract keys deployments by service and compacts them by service+version: our producers write the key
            // tenant/service@version so compaction keeps every version's latest event; a plain service key is fine too.
            String versionKey = io.tokenpulse.schemas.Keys.deployment(e.getTenant(), e.getService(), e.getVersion());
            if (key == null || !key.equals(versionKey)) {
                p.keyIs("service", key, e.getService());
            }
            occurredAt(p, e.getOccurredAt(), true);
            return p.sentence("ServiceDeploymentEvent");
        };
    }

    public Rule<TokenPolicy> policies() {
        return (key, e) -> {
            if (e == null) {
                // The topic is compacted: a tombstone removes the tenant's policy, so the defaults apply again.
                return Optional.empty();
            }
            Problems p = new Problems();
            p.required("tenant", e.getTenant());
            p.keyIs("tenant", key, e.getTenant());
            occurredAt(p, e.getOccurredAt(), false);
            return p.sentence("TokenPolicy");
        };
    }

    /** What lifecycle and usage events share: ids present, keyed by tokenId, a usable event time. */
    private Problems tokenEvent(String key, String eventId, String tokenId, String tenant, Instant occurredAt) {
        Problems p = new Problems();
        p.required("eventId", eventId);
        p.required("tokenId", tokenId);
        p.required("tenant", tenant);
        p.keyIs("tokenId", key, tokenId);
        occurredAt(p, occurredAt, true);
        return p;
    }

    private void occurredAt(Problems p, Instant t, boolean required) {
        if (t == null) {
            if (required) {
                p.add("occurredAt is missing");
            }
        } else {
            plausible.problem(t).ifPresent(p::add);
        }
    }

    private static Optional<String> tombstone(String type) {
        return Optional.of("Invalid " + type + ": the value is empty (a tombstone) on an event topic");
    }

    /** Collects the problems of one record into one sentence. */
    private static final class Problems {
        private final List<String> list = new ArrayList<>();

        void add(String problem) {
            list.add(problem);
        }

        void required(String field, String value) {
            if (value == null || value.isBlank()) {
                list.add(field + " is missing or blank");
            }
        }

        /** Ids are public identifiers, never secrets (docs/CONTRACT.md), so naming them in the reason is safe. */
        void keyIs(String field, String key, String value) {
            if (value == null || value.isBlank()) {
                return;
            }
            if (key == null) {
                list.add("the record has no key (it must be keyed by " + field + ")");
            } else if (!key.equals(value)) {
                list.add("the key '" + key + "' differs from " + field + " '" + value + "'");
            }
        }

        Optional<String> sentence(String type) {
            return list.isEmpty() ? Optional.empty() : Optional.of("Invalid " + type + ": " + String.join("; ", list));
        }
    }
}
