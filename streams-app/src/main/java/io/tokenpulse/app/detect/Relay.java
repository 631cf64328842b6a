package io.tokenpulse.app.detect;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.VersionInput;
import io.tokenpulse.avro.state.VersionInputKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a token's own records tell other tasks, sent as the records arrive rather than when they are judged: a
 * replacement issued (to the replaced token), a replacement's first allowed use (to the replaced token) and a token's
 * binding to a service version (to the version processor). Each depends on the token's own records alone, so a task
 * can promise "everything my input up to t causes elsewhere has been sent" at its input's pace, without waiting for
 * anybody: that is what breaks the cycle of tasks waiting for each other's promises (docs/TIME.md).
 *
 * <p>The time of the first-use link is the later of the use and the replacement's issue, so both records are in
 * when it is sent whatever their order; a replaced token keeps the earliest it hears.
 */
final class Relay {
    private static final char SEP = '|';
    /** Tokens whose entry is kept decoded (the busiest: most recently used). */
    private static final int CACHED = 8_192;
    private final KeyValueStore<String, String> store;
    private final Consumer<Record<String, TokenOutput>> out;
    /**
     * Entries as the store has them, for the tokens used last: every allowed use reads its token's entry, which cost a
     * record-cache lookup and a parse each (6% of the intake in issue 11's profile). Only this relay writes the store,
     * and it writes both, so the two agree; a task made anew makes a new relay with nothing cached.
     */
    private final Map<String, Entry> cache = new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CACHED;
        }
    };

    Relay(KeyValueStore<String, String> store, Consumer<Record<String, TokenOutput>> out) {
        this.store = store;
        this.out = out;
    }

    void onArrival(String tokenId, TokenInput input) {
        if (input instanceof TokenInput.Lifecycle l) {
            onLifecycle(tokenId, l.event());
        } else if (input instanceof TokenInput.Usage u) {
            onUsage(tokenId, u.event());
        }
    }

    private void onLifecycle(String tokenId, TokenLifecycleEvent e) {
        long at = e.getOccurredAt().toEpochMilli();
        LifecycleType type = e.getType();
        String replaced = e.getReplacesTokenId();
        if (replaced != null && (type == LifecycleType.ROTATED || type == LifecycleType.ISSUED)) {
            link(replaced, TokenLink.newBuilder().setKind(LinkKind.REPLACED_BY).setFromTokenId(tokenId)
                    .setTenant(e.getTenant()).setAt(at).setEventId(e.getEventId()).setScopes(List.copyOf(e.getScopes()))
                    .setOwner(e.getOwner()).setPrincipal(e.getPrincipal()).build());
            Entry before = entry(tokenId);
            Entry after = before.replaces(replaced, at);
            save(tokenId, e.getTenant(), before, after);
        }
        boolean ends = type == LifecycleType.REVOKED || type == LifecycleType.EXPIRED;
        if (e.getPrincipal() != null && e.getServiceVersion() != null && !ends) {
            String version = TokenJudge.versionKey(e.getTenant(), e.getPrincipal(), e.getServiceVersion());
            Long until = e.getExpiresAt() == null ? null : e.getExpiresAt().toEpochMilli();
            bindings(version, VersionInputKind.BIND, e.getTenant(), tokenId, at, until);
            Entry before = entry(tokenId);
            save(tokenId, e.getTenant(), before, before.bound(version));
        } else if (ends) {
            // The version processor's view of which tokens still hold a version (the query API's phase-out view);
            // detection itself does not need it, as a token judges its own activeness.
            String version = entry(tokenId).bound;
            if (version != null) {
                bindings(version, VersionInputKind.UNBIND, e.getTenant(), tokenId, at, at);
            }
        }
    }

    private void onUsage(String tokenId, TokenUsageEvent u) {
        if (u.getOutcome() != UsageOutcome.ALLOWED) {
            return;
        }
        long at = u.getOccurredAt().toEpochMilli();
        Entry before = entry(tokenId);
        if (before.firstAllowed != null && before.firstAllowed <= at) {
            return;
        }
        save(tokenId, u.getTenant(), before, before.allowed(at));
    }

    private void save(String tokenId, String tenant, Entry before, Entry after) {
        Long due = after.linkAt();
        if (due != null && (after.sent == null || due < after.sent)) {
            link(after.replaces, TokenLink.newBuilder().setKind(LinkKind.REPLACEMENT_USED).setFromTokenId(tokenId)
                    .setTenant(tenant).setAt(due).setEventId("replacement-used:" + tokenId).build());
            after = after.sent(due);
        }
        if (!after.equals(before)) {
            store.put(tokenId, after.encode());
            cache.put(tokenId, after);
        }
    }

    private void bindings(String version, VersionInputKind kind, String tenant, String tokenId, long at, Long until) {
        out.accept(new Record<>(version, new TokenOutput.Binding(version, VersionInput.newBuilder().setKind(kind)
                .setVersionKey(version).setTenant(tenant).setTokenId(tokenId).setAt(at).setUntil(until).build()), at));
    }

    private void link(String target, TokenLink link) {
        out.accept(new Record<>(target, new TokenOutput.Link(target, link), link.getAt()));
    }

    private Entry entry(String tokenId) {
        Entry e = cache.get(tokenId);
        if (e == null) {
            String s = store.get(tokenId);
            e = s == null ? Entry.EMPTY : Entry.decode(s);
            cache.put(tokenId, e);
        }
        return e;
    }

    /**
     * What the relay knows of one token: whom it replaces (issued when), its first allowed use, the first-use link sent,
     * and the version it was last bound to.
     */
    private record Entry(String replaces, Long replacesFrom, Long firstAllowed, Long sent, String bound) {
        static final Entry EMPTY = new Entry(null, null, null, null, null);

        Entry replaces(String replaced, long at) {
            boolean earlier = replacesFrom == null || at < replacesFrom;
            return earlier ? new Entry(replaced, at, firstAllowed, sent, bound) : this;
        }

        Entry allowed(long at) {
            return new Entry(replaces, replacesFrom, at, sent, bound);
        }

        Entry sent(long at) {
            return new Entry(replaces, replacesFrom, firstAllowed, at, bound);
        }

        Entry bound(String version) {
            return new Entry(replaces, replacesFrom, firstAllowed, sent, version);
        }

        Long linkAt() {
            return replaces == null || firstAllowed == null ? null : Math.max(firstAllowed, replacesFrom);
        }

        /** The times, then the two ids (each may hold any character but NUL, the separator of the ids). */
        String encode() {
            return str(replacesFrom) + SEP + str(firstAllowed) + SEP + str(sent) + SEP
                    + (replaces == null ? "" : replaces) + '\u0000' + (bound == null ? "" : bound);
        }

        static Entry decode(String s) {
            int a = s.indexOf(SEP);
            int b = s.indexOf(SEP, a + 1);
            int c = s.indexOf(SEP, b + 1);
            int nul = s.indexOf('\u0000', c + 1);
            String replaced = s.substring(c + 1, nul);
            String version = s.substring(nul + 1);
            return new Entry(replaced.isEmpty() ? null : replaced, num(s.substring(0, a)), num(s.substring(a + 1, b)),
                    num(s.substring(b + 1, c)), version.isEmpty() ? null : version);
        }

        private static String str(Long v) {
            return v == null ? "" : Long.toString(v);
        }

        private static Long num(String s) {
            return s.isEmpty() ? null : Long.valueOf(s);
        }
    }
}
