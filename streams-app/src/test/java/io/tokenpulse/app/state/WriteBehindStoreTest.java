package io.tokenpulse.app.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The held records' store: writes wait for the flush before a commit, and a key known to be new that is deleted before
 * then is never written, so neither RocksDB nor the changelog sees it; everything else reaches the store as it would
 * without it.
 */
class WriteBehindStoreTest {

    @Test
    void writesWaitForTheFlushAndANewKeyGoneByThenIsNeverWritten() throws Exception {
        Recording under = new Recording();
        WriteBehindStore<String, String> store = init(new WriteBehindStore<>(under.store));
        store.putNew("a", "1");
        store.putNew("b", "2");
        store.put("c", "3");
        assertEquals("1", store.get("a"), "the writing thread reads what it wrote");
        assertNull(CompletableFuture.supplyAsync(() -> store.get("a")).get(), "a query thread reads the store as of the last flush");
        store.discard("a");
        store.discard("c"); // not known to be new: its delete is written
        assertNull(store.get("a"));
        assertEquals(List.of(), under.writes, "nothing before the flush");
        store.flushCache();
        assertEquals(List.of("delete c", "put b=2"), sorted(under.writes), "a and its removal never reach the store");
        assertEquals("2", CompletableFuture.supplyAsync(() -> store.get("b")).get());
    }

    @Test
    void aKeyWrittenAtAnEarlierFlushIsDeletedUnderneath() {
        Recording under = new Recording();
        WriteBehindStore<String, String> store = init(new WriteBehindStore<>(under.store));
        store.putNew("a", "1");
        store.commit(java.util.Map.of());
        store.put("a", "2"); // written again after the flush: no longer new
        assertEquals("2", store.delete("a"));
        store.flushCache();
        assertEquals(List.of("put a=1", "delete a"), under.writes);
        assertNull(under.store.get("a"));
    }

    @Test
    void aTaskClosedWithoutACommitKeepsNothingUnwritten() {
        Recording under = new Recording();
        WriteBehindStore<String, String> store = init(new WriteBehindStore<>(under.store));
        store.putNew("a", "1");
        store.close();
        init(store);
        assertNull(store.get("a"));
        assertEquals(List.of(), under.writes);
    }

    @Test
    void aScanSeesWhatTheWritingThreadWrote() {
        Recording under = new Recording();
        WriteBehindStore<String, String> store = init(new WriteBehindStore<>(under.store));
        store.putNew("a", "1");
        try (KeyValueIterator<String, String> it = store.all()) {
            assertEquals(KeyValue.pair("a", "1"), it.next());
        }
    }

    @Test
    void theHookWritesFirstInTheSameFlush() {
        Recording under = new Recording();
        WriteBehindStore<String, String> store = init(new WriteBehindStore<>(under.store));
        List<String> calls = new ArrayList<>();
        store.beforeWrite(() -> {
            calls.add("hook");
            store.putNew("packed", "x");
        });
        store.putNew("a", "1");
        store.flushCache();
        assertEquals(List.of("hook"), calls);
        assertEquals(List.of("put a=1", "put packed=x"), sorted(under.writes), "what the hook wrote goes with the rest");
        store.flushCache();
        assertEquals(List.of("hook", "hook"), calls, "the hook runs at every flush, with or without writes waiting");
    }

    private static <K, V> WriteBehindStore<K, V> init(WriteBehindStore<K, V> store) {
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static List<String> sorted(List<String> writes) {
        return writes.stream().sorted().toList();
    }

    /** An in-memory store that records the writes it is given. */
    private static final class Recording {
        final KeyValueStore<String, String> inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("under-test"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        final List<String> writes = new ArrayList<>();
        final KeyValueStore<String, String> store = new Recorder<>(inner, writes);
    }

    private static final class Recorder<K, V> extends org.apache.kafka.streams.state.internals.WrappedStateStore<KeyValueStore<K, V>, K, V>
            implements KeyValueStore<K, V> {
        private final List<String> writes;

        Recorder(KeyValueStore<K, V> inner, List<String> writes) {
            super(inner);
            this.writes = writes;
        }

        @Override
        public void put(K key, V value) {
            writes.add(value == null ? "delete " + key : "put " + key + "=" + value);
            wrapped().put(key, value);
        }

        @Override
        public V putIfAbsent(K key, V value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putAll(List<KeyValue<K, V>> entries) {
            entries.forEach(kv -> put(kv.key, kv.value));
        }

        @Override
        public V delete(K key) {
            writes.add("delete " + key);
            return wrapped().delete(key);
        }

        @Override
        public V get(K key) {
            return wrapped().get(key);
        }

        @Override
        public KeyValueIterator<K, V> range(K from, K to) {
            return wrapped().range(from, to);
        }

        @Override
        public KeyValueIterator<K, V> all() {
            return wrapped().all();
        }

        @Override
        public long approximateNumEntries() {
            return wrapped().approximateNumEntries();
        }
    }
}
