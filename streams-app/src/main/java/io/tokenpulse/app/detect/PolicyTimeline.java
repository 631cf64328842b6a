package io.tokenpulse.app.detect;

import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.state.PolicyEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each tenant's policies in time, as SPEC's "policies in time" reads: the policy judging event time t is the latest
 * whose effectiveFrom is at or before t; one without effectiveFrom applies from the beginning of time, and of two such
 * the later one heard wins. Kept in a store (they are few) with the decoded form cached.
 */
final class PolicyTimeline {
    /** Where a policy without effectiveFrom sits: before every event time. */
    private static final long BEGINNING = Long.MIN_VALUE;

    private final KeyValueStore<String, io.tokenpulse.avro.state.PolicyTimeline> store;
    private final Map<String, NavigableMap<Long, Policy>> cache = new HashMap<>();

    PolicyTimeline(KeyValueStore<String, io.tokenpulse.avro.state.PolicyTimeline> store) {
        this.store = store;
    }

    /** The policy judging {@code tenant}'s events and deadlines at event time {@code at}. */
    Policy at(String tenant, long at) {
        if (tenant == null) {
            return Policy.DEFAULTS;
        }
        var e = timeline(tenant).floorEntry(at);
        return e == null ? Policy.DEFAULTS : e.getValue();
    }

    /**
     * The first time after {@code from} at which the tenant's policy changes, if before {@code next} (a deadline:
     * what holds may change with the policy); {@code next} otherwise. {@link Token#NONE} stands for "never".
     */
    long nextChange(String tenant, long from, long next) {
        if (tenant == null) {
            return next;
        }
        Long change = timeline(tenant).higherKey(from);
        if (change == null) {
            return next;
        }
        return next == Token.NONE ? change : Math.min(change, next);
    }

    /** Adds a policy; false when it changes nothing (the same policy heard again). */
    boolean add(TokenPolicy policy) {
        String tenant = policy.getTenant();
        long from = policy.getEffectiveFrom() == null ? BEGINNING : policy.getEffectiveFrom().toEpochMilli();
        Policy p = Policy.of(policy);
        NavigableMap<Long, Policy> t = timeline(tenant);
        if (p.equals(t.get(from))) {
            return false;
        }
        io.tokenpulse.avro.state.PolicyTimeline stored = store.get(tenant);
        List<PolicyEntry> entries = new ArrayList<>(stored == null ? List.of() : stored.getEntries());
        entries.removeIf(e -> (e.getEffectiveFrom() == null ? BEGINNING : e.getEffectiveFrom()) == from);
        entries.add(PolicyEntry.newBuilder().setEffectiveFrom(from == BEGINNING ? null : from)
                .setPolicy(ByteBuffer.wrap(AvroBinary.encode(policy, 0))).build());
        store.put(tenant, io.tokenpulse.avro.state.PolicyTimeline.newBuilder().setEntries(entries).build());
        t.put(from, p);
        return true;
    }

    /** A tombstone: the tenant has no policy any more, at any time. False when it had none. */
    boolean clear(String tenant) {
        if (tenant == null || timeline(tenant).isEmpty()) {
            return false;
        }
        store.delete(tenant);
        cache.put(tenant, new TreeMap<>());
        return true;
    }

    private NavigableMap<Long, Policy> timeline(String tenant) {
        return cache.computeIfAbsent(tenant, k -> {
            TreeMap<Long, Policy> t = new TreeMap<>();
            io.tokenpulse.avro.state.PolicyTimeline stored = store.get(k);
            if (stored != null) {
                for (PolicyEntry e : stored.getEntries()) {
                    ByteBuffer b = e.getPolicy().duplicate();
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    t.put(e.getEffectiveFrom() == null ? BEGINNING : e.getEffectiveFrom(),
                            Policy.of(AvroBinary.decode(bytes, TokenPolicy.class)));
                }
            }
            return t;
        });
    }
}
