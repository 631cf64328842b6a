package io.tokenpulse.producers.adapters;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, by reason, what an adapter left out without a rejection. Two kinds, kept apart because they mean
 * different things to the operator:
 * <ul>
 *   <li><b>ignored records</b>: valid records that carry no token activity (an AWS service event without an
 *   access key, the response half of a Vault request whose usage came from its request entry). Listing each
 *   one would bury the real problems, so they are only counted; they do not make {@code publish} fail.</li>
 *   <li><b>dropped fields</b>: an optional field left out of an otherwise good event because its value was
 *   unusable (a service name where an IP address belongs, a region that is not one). The event still goes.</li>
 * </ul>
 * Not thread-safe: one adapter reads one input on one thread.
 */
public final class ParseReport {
    private final Map<String, Long> ignored = new TreeMap<>();
    private final Map<String, Long> droppedFields = new TreeMap<>();

    void ignored(String reason) {
        ignored.merge(reason, 1L, Long::sum);
    }

    void droppedField(String reason) {
        droppedFields.merge(reason, 1L, Long::sum);
    }

    /** Ignored records by reason, sorted by reason. */
    public Map<String, Long> ignored() {
        return Collections.unmodifiableMap(ignored);
    }

    /** Dropped optional fields by reason, sorted by reason. */
    public Map<String, Long> droppedFields() {
        return Collections.unmodifiableMap(droppedFields);
    }

    public long ignoredTotal() {
        return ignored.values().stream().mapToLong(Long::longValue).sum();
    }

    void clear() {
        ignored.clear();
        droppedFields.clear();
    }
}
