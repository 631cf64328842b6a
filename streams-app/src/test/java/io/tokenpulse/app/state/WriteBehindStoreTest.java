package io.tokenpulse.app.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.time.ReorderBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
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
    void theReorderBufferWritesOnlyWhatIsStillHeldAtTheFlush() {
        Recording under = new Recording();
        KeyValueStore<Bytes, String> bytes = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held-test"),
                Serdes.Bytes(), Serdes.String()).withLoggingDisabled().build();
        List<String> writes = new ArrayList<>();
        WriteBehindStore<Bytes, String> store = init(new WriteBehindStore<>(new Recorder<>(bytes, writes)));
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store);
        buffer.add(ReorderBuffer.keyOf(10, 2, "t\u0000u1"), "use at 10");
        buffer.add(ReorderBuffer.keyOf(20, 2, "t\u0000u2"), "use at 20");
        List<ReorderBuffer.Held<String>> due = buffer.upTo(15, 100);
        assertEquals(1, due.size());
        assertEquals("use at 10", due.get(0).value());
        buffer.remove(due.get(0));
        store.flushCache();
        assertEquals(1, writes.size(), "only the record still held is written: " + writes);
        assertTrue(writes.get(0).startsWith("put "));
        // A buffer started afresh over the store (a restarted task) holds exactly that record.
        ReorderBuffer<String> restarted = new ReorderBuffer<>(init(new WriteBehindStore<>(bytes)));
        assertEquals(List.of("use at 20"), restarted.upTo(Long.MAX_VALUE, 100).stream().map(ReorderBuffer.Held::value).toList());
        assertEquals(List.of(), restarted.upTo(15, 100), "nothing before it");
    }

    @Test
    void theReorderBufferReadsRecordsHeldOverAFlushAndThoseSinceInJudgingOrder() {
        KeyValueStore<Bytes, String> bytes = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held-test"),
                Serdes.Bytes(), Serdes.String()).withLoggingDisabled().build();
        WriteBehindStore<Bytes, String> store = init(new WriteBehindStore<>(bytes));
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store);
        for (int at = 1; at <= 5; at++) {
            buffer.add(ReorderBuffer.keyOf(at * 10, 2, "t\u0000u" + at), "use at " + at * 10);
        }
        store.flushCache();
        List<ReorderBuffer.Held<String>> first = buffer.upTo(20, 100);
        buffer.remove(first.get(1)); // the one at 20: deleted underneath only at the next flush
        buffer.add(ReorderBuffer.keyOf(25, 2, "t\u0000u25"), "use at 25"); // not written yet
        buffer.add(ReorderBuffer.keyOf(45, 0, "t\u0000e45"), "issued at 45");
        assertEquals(List.of("use at 10", "use at 25", "use at 30", "use at 40", "issued at 45", "use at 50"),
                buffer.upTo(60, 100).stream().map(ReorderBuffer.Held::value).toList());
        assertEquals(List.of("use at 10", "use at 25"), buffer.upTo(29, 100).stream().map(ReorderBuffer.Held::value).toList());
        assertEquals(List.of("use at 10", "use at 25", "use at 30"),
                buffer.upTo(60, 3).stream().map(ReorderBuffer.Held::value).toList());
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
