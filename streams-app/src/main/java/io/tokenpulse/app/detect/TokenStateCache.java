package io.tokenpulse.app.detect;

import io.tokenpulse.app.state.WriteBackStore;
import io.tokenpulse.avro.state.TokenState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The token store with the judge's {@link TokenState} objects in front of it: a token judged again reads the very
 * object it wrote, and a state that changed is serialised and written to the store once, when Kafka Streams flushes
 * the store before each commit, not once per record (issue 11: the Avro encoding per record was 15% of the drain).
 * How that stays exactly-once, and what other threads see: {@link WriteBackStore}.
 *
 * <p>At most {@code capacity} states are kept, least recently used out first; a changed one is written as it goes.
 * Unlike a plain write-back store, the objects stay after a flush: the busy tokens are read from memory again.
 *
 * <p>One thing is not as it was without the cache: when judging a record throws (a bug; the record goes to the
 * dead-letter topic and the task carries on), the token's object keeps what the judge had changed before the throw.
 * Before, those changes were dropped with the record, since the state was read afresh and only written at the end.
 */
final class TokenStateCache extends WriteBackStore<String, TokenState> {
    private final int capacity;
    private final Map<String, Cached> cached;

    private static final class Cached {
        final TokenState state;
        boolean changed;

        Cached(TokenState state, boolean changed) {
            this.state = state;
            this.changed = changed;
        }
    }

    TokenStateCache(KeyValueStore<String, TokenState> store, int capacity) {
        super(store);
        this.capacity = capacity;
        this.cached = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                if (size() <= TokenStateCache.this.capacity) {
                    return false;
                }
                if (eldest.getValue().changed) {
                    wrapped().put(eldest.getKey(), eldest.getValue().state);
                }
                return true;
            }
        };
    }

    /** The token store's builder, with this cache in front of what {@code store} builds. */
    static StoreBuilder<KeyValueStore<String, TokenState>> builder(StoreBuilder<KeyValueStore<String, TokenState>> store,
                                                                   int capacity) {
        return WriteBackStore.builder(store, built -> new TokenStateCache(built, capacity));
    }

    @Override
    protected void writeChanged() {
        // Called as the stream thread commits: the judging between commits is bounded from here (see TokenProcessor).
        TokenProcessor.committing();
        List<KeyValue<String, TokenState>> writes = new ArrayList<>();
        for (Map.Entry<String, Cached> e : cached.entrySet()) {
            if (e.getValue().changed) {
                writes.add(KeyValue.pair(e.getKey(), e.getValue().state));
                e.getValue().changed = false;
            }
        }
        if (!writes.isEmpty()) {
            wrapped().putAll(writes); // one RocksDB batch per commit
        }
    }

    @Override
    protected void forget() {
        cached.clear();
    }


    @Override
    protected void remember(String key, TokenState value) {
        cached.put(key, new Cached(value, true));
    }

    @Override
    public TokenState get(String key) {
        if (!owned()) {
            return wrapped().get(key);
        }
        Cached c = cached.get(key);
        if (c != null) {
            return c.state;
        }
        TokenState state = wrapped().get(key);
        if (state != null) {
            cached.put(key, new Cached(state, false));
        }
        return state;
    }

    @Override
    public TokenState delete(String key) {
        own();
        Cached c = cached.remove(key);
        TokenState stored = wrapped().delete(key);
        return c != null ? c.state : stored;
    }
}
