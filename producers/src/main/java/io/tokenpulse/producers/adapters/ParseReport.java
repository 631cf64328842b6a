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
 * Reasons may quote input (a {@code userIdentity.type}), so each passes {@link Sanitizer#key} and each map holds at
 * most {@link #MAX_REASONS} of them; further reasons are counted together under {@link #OTHER}: a hostile input
 * cannot grow the report without bound.
 * Not thread-safe: one adapter reads one input on one thread.
 */
public final class ParseReport {
    /** The most distinct reasons kept per map. */
    public static final int MAX_REASONS = 64;
    /** Where counts of reasons beyond {@link #MAX_REASONS} go. */
    public static final String OTHER = "(other reasons, beyond " + MAX_REASONS + " kinds)";

    private final Map<String, Long> ignored = new TreeMap<>();
    private final Map<String, Long> droppedFields = new TreeMap<>();

    void ignored(String reason) {
        count(ignored, reason, 1);
    }

    void droppedField(String reason) {
        count(droppedFields, reason, 1);
    }

    /** Adds {@code other}'s counts to this report (several files read by one publish). */
    public void addAll(ParseReport other) {
        other.ignored.forEach((k, v) -> count(ignored, k, v));
        other.droppedFields.forEach((k, v) -> count(droppedFields, k, v));
    }

    private static void count(Map<String, Long> map, String reason, long n) {
        String key = Sanitizer.key(reason);
        if (!map.containsKey(key) && map.size() >= MAX_REASONS - 1 && !key.equals(OTHER)) {
            key = OTHER;
        }
        map.merge(key, n, Long::sum);
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
