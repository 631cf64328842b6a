package io.tokenpulse.app.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A {@link WriteBackStore} for keys that come and go: it keeps the writes of one commit interval and forgets them once
 * written. A writer that knows a key is new to the store ({@link #putNew}) lets a delete of it within the same
 * interval cancel the put instead of writing a tombstone: such a key never reaches RocksDB or the changelog. What
 * changed reaches the store underneath as one {@code putAll} per commit: one RocksDB write batch. The reorder buffer's
 * packs and a token task's progress (a few keys changed by nearly every record) are kept this way; the reorder buffer
 * writes its packs from {@link #beforeWrite}, at the commit.
 */
public final class WriteBehindStore<K, V> extends WriteBackStore<K, V> {
    /** A write not yet made: a value, or a delete ({@code value == null}). */
    private record Pending<V>(V value, boolean newKey) {
    }

    private final Map<K, Pending<V>> pending = new HashMap<>();
    private Runnable beforeWrite = () -> { };

    public WriteBehindStore(KeyValueStore<K, V> store) {
        super(store);
    }

    /** A store's builder with this store in front of what {@code store} builds. */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> store) {
        return WriteBackStore.builder(store, WriteBehindStore::new);
    }

    /**
     * The write-behind store under what a processor's context hands out for it (Kafka Streams wraps every store it
     * gives a processor), if it is one.
     */
    @SuppressWarnings("unchecked")
    public static <K, V> Optional<WriteBehindStore<K, V>> in(StateStore store) {
        StateStore s = store;
        while (true) {
            if (s instanceof WriteBehindStore<?, ?> w) {
                return Optional.of((WriteBehindStore<K, V>) w);
            }
            if (!(s instanceof WrappedStateStore<?, ?, ?> wrapped)) {
                return Optional.empty();
            }
            s = wrapped.wrapped();
        }
    }

    /**
     * Runs {@code hook} on the writing thread each time, before this store writes what changed: a writer that keeps
     * changes of its own in memory (the reorder buffer) makes its writes there, in the same commit. One hook: a new
     * one replaces the last (a task's processor made anew).
     */
    public void beforeWrite(Runnable hook) {
        beforeWrite = hook;
    }

    /** Puts a key the caller knows is in neither this store nor the store underneath. */
    public void putNew(K key, V value) {
        own();
        pending.put(key, new Pending<>(value, true));
    }

    /** Deletes {@code key} without reading what it held. */
    public void discard(K key) {
        own();
        Pending<V> p = pending.get(key);
        if (p != null && p.newKey()) {
            pending.remove(key); // put and deleted within the interval: nothing to write
        } else {
            pending.put(key, new Pending<>(null, false));
        }
    }

    /** The value {@code key} was given since the last flush, or {@code null} (not written since, or deleted). */
    public V unwritten(K key) {
        Pending<V> p = pending.get(key);
        return p == null ? null : p.value();
    }

    /**
     * A range over the store underneath alone, as of the last flush, without writing what waits for the next: for a
     * writer that merges {@link #unwritten} in itself. Keys deleted since the last flush are still in it.
     */
    public KeyValueIterator<K, V> writtenRange(K from, K to) {
        return wrapped().range(from, to);
    }

    @Override
    public V get(K key) {
        if (!owned()) {
            return wrapped().get(key);
        }
        Pending<V> p = pending.get(key);
        return p != null ? p.value() : wrapped().get(key);
    }

    @Override
    public V delete(K key) {
        own();
        Pending<V> p = pending.get(key);
        V before = p != null ? p.value() : wrapped().get(key);
        discard(key);
        return before;
    }


    @Override
    protected void remember(K key, V value) {
        Pending<V> before = pending.get(key);
        pending.put(key, new Pending<>(value, before != null && before.newKey()));
    }

    @Override
    protected void writeChanged() {
        beforeWrite.run();
        if (pending.isEmpty()) {
            return;
        }
        // One putAll: RocksDB writes the commit's held records and removals as one batch, not a write each. A null
        // value deletes, without the read of the old value that Kafka Streams' delete makes first.
        List<KeyValue<K, V>> writes = new ArrayList<>(pending.size());
        for (Map.Entry<K, Pending<V>> e : pending.entrySet()) {
            writes.add(KeyValue.pair(e.getKey(), e.getValue().value()));
        }
        wrapped().putAll(writes);
        pending.clear();
    }

    @Override
    protected void forget() {
        pending.clear();
    }
}
