package io.tokenpulse.app.detect;

import io.tokenpulse.avro.state.TokenState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The token store with the judge's {@link TokenState} objects in front of it: a token judged again reads the very
 * object it wrote, and a state that changed is serialised and written to the store once, when Kafka Streams flushes
 * the store before each commit, not once per record (issue 11: the Avro encoding per record was 15% of the drain).
 *
 * <p>Exactly-once: Kafka Streams flushes every store ({@code flushCache}, then {@code commit}) before it commits the
 * task's transaction, and both write every changed state to the store first, so the changelog holds all of them
 * within the transaction. A task closed without a commit drops what was not written, as it drops the rest of its
 * uncommitted work; the store is then restored from the changelog and this cache starts empty ({@link #init}).
 *
 * <p>At most {@code capacity} states are kept, least recently used out first; a changed one is written as it goes.
 *
 * <p>One thing is not as it was without the cache: when judging a record throws (a bug; the record goes to the
 * dead-letter topic and the task carries on), the token's object keeps what the judge had changed before the throw.
 * Before, those changes were dropped with the record, since the state was read afresh and only written at the end.
 *
 * <p>Only the thread that writes (the stream thread of the task) sees the objects: interactive queries come from
 * other threads, and read the store underneath, as of the last flush (at most a commit interval behind), never an
 * object the judge is halfway through changing.
 */
final class TokenStateCache extends WrappedStateStore<KeyValueStore<String, TokenState>, String, TokenState>
        implements KeyValueStore<String, TokenState> {
    private final int capacity;
    private final Map<String, Cached> cached;
    /** The thread that writes through this store: the only one that may see or touch the cached objects. */
    private volatile Thread owner;

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
        return new Builder(store, capacity);
    }

    private boolean owned() {
        return owner == Thread.currentThread();
    }

    /** Writes every changed state to the store underneath. */
    private void writeChanged() {
        for (Map.Entry<String, Cached> e : cached.entrySet()) {
            if (e.getValue().changed) {
                wrapped().put(e.getKey(), e.getValue().state);
                e.getValue().changed = false;
            }
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        cached.clear();
        owner = null;
        super.init(context, root);
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
    public void put(String key, TokenState value) {
        owner = Thread.currentThread();
        if (value == null) {
            delete(key);
            return;
        }
        cached.put(key, new Cached(value, true));
    }

    @Override
    public TokenState putIfAbsent(String key, TokenState value) {
        owner = Thread.currentThread();
        TokenState current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<String, TokenState>> entries) {
        for (KeyValue<String, TokenState> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public TokenState delete(String key) {
        owner = Thread.currentThread();
        Cached c = cached.remove(key);
        TokenState stored = wrapped().delete(key);
        return c != null ? c.state : stored;
    }

    // Scans are not on the judge's path: the writing thread writes what changed first, so they see it.

    @Override
    public KeyValueIterator<String, TokenState> range(String from, String to) {
        if (owned()) {
            writeChanged();
        }
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, TokenState> reverseRange(String from, String to) {
        if (owned()) {
            writeChanged();
        }
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, TokenState> all() {
        if (owned()) {
            writeChanged();
        }
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<String, TokenState> reverseAll() {
        if (owned()) {
            writeChanged();
        }
        return wrapped().reverseAll();
    }

    @Override
    public <S extends Serializer<P>, P> KeyValueIterator<String, TokenState> prefixScan(P prefix, S prefixKeySerializer) {
        if (owned()) {
            writeChanged();
        }
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        if (owned()) {
            writeChanged();
        }
        return wrapped().approximateNumEntries();
    }

    @Override
    public void flushCache() {
        writeChanged();
        super.flushCache();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeChanged();
        super.commit(changelogOffsets);
    }

    @Override
    public void clearCache() {
        cached.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        cached.clear();
        owner = null;
        super.close();
    }

    private static final class Builder implements StoreBuilder<KeyValueStore<String, TokenState>> {
        private final StoreBuilder<KeyValueStore<String, TokenState>> store;
        private final int capacity;

        Builder(StoreBuilder<KeyValueStore<String, TokenState>> store, int capacity) {
            this.store = store;
            this.capacity = capacity;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, TokenState>> withCachingEnabled() {
            store.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, TokenState>> withCachingDisabled() {
            store.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, TokenState>> withLoggingEnabled(Map<String, String> config) {
            store.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<String, TokenState>> withLoggingDisabled() {
            store.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<String, TokenState> build() {
            return new TokenStateCache(store.build(), capacity);
        }

        @Override
        public Map<String, String> logConfig() {
            return store.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return store.loggingEnabled();
        }

        @Override
        public String name() {
            return store.name();
        }
    }
}
