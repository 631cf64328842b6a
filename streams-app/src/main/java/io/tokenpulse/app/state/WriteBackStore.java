package io.tokenpulse.app.state;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * A key-value store that keeps what its writing thread changes in memory and writes it to the store underneath when
 * Kafka Streams flushes before a commit: the changelog gets the last value of each key once per commit, inside the
 * task's transaction, and a key that comes and goes within one commit interval may never reach RocksDB at all.
 *
 * <p>Exactly-once: Kafka Streams flushes every store ({@code flushCache}, then {@code commit}) before it commits the
 * task's transaction, and both write what changed first. A task closed without a commit drops what was not written,
 * as it drops the rest of its uncommitted work; the store is then restored from the changelog and the memory starts
 * empty ({@link #init}).
 *
 * <p>Only the thread that writes (the stream thread of the task) sees the memory: interactive queries come from other
 * threads and read the store underneath, as of the last flush (at most a commit interval behind). Scans are not on a
 * hot path: the writing thread writes what changed before it scans, so a scan sees everything. Subclasses answer
 * {@code get} and {@code delete}: the writing thread from memory first, any other from the store underneath.
 */
public abstract class WriteBackStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V> implements KeyValueStore<K, V> {
    /** The thread that writes through this store: the only one that may see or touch the memory. */
    private volatile Thread owner;

    protected WriteBackStore(KeyValueStore<K, V> store) {
        super(store);
    }

    /** Writes everything changed to the store underneath. */
    protected abstract void writeChanged();

    /** Drops the memory, written or not. */
    protected abstract void forget();

    /** Keeps a value the writing thread put, to be written at the next flush. */
    protected abstract void remember(K key, V value);

    /** Whether the calling thread is the writing one. */
    protected final boolean owned() {
        return owner == Thread.currentThread();
    }

    /** Marks the calling thread as the writing one: call first in every write. */
    protected final void own() {
        owner = Thread.currentThread();
    }

    @Override
    public void put(K key, V value) {
        own();
        if (value == null) {
            delete(key);
        } else {
            remember(key, value);
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        own();
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeIfOwned();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeIfOwned();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeIfOwned();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeIfOwned();
        return wrapped().reverseAll();
    }

    @Override
    public <S extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, S prefixKeySerializer) {
        writeIfOwned();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        writeIfOwned();
        return wrapped().approximateNumEntries();
    }

    private void writeIfOwned() {
        if (owned()) {
            writeChanged();
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        owner = null;
        super.init(context, root);
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
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        owner = null;
        super.close();
    }

    /** A store's builder with a write-back store in front of what {@code store} builds. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> store,
                                                                  Function<KeyValueStore<K, V>, WriteBackStore<K, V>> wrap) {
        return new Builder<>(store, wrap);
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> store;
        private final Function<KeyValueStore<K, V>, WriteBackStore<K, V>> wrap;

        Builder(StoreBuilder<KeyValueStore<K, V>> store, Function<KeyValueStore<K, V>, WriteBackStore<K, V>> wrap) {
            this.store = store;
            this.wrap = wrap;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            store.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            store.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            store.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            store.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return wrap.apply(store.build());
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
