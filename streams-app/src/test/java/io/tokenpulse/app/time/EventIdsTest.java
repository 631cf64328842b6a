package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.state.WriteBehindStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-duplication over a logged store of packs and an unlogged index: a copy within the window is always caught,
 * whether it comes before or after a commit, after the filter in front was built again, and after a restart; an index
 * that was lost, or that holds ids the log never committed, is rebuilt from the log; ids older than the window leave
 * both stores, except an id seen again later.
 */
class EventIdsTest {
    private static final long WINDOW = Duration.ofDays(7).toMillis();
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private KeyValueStore<Bytes, byte[]> packs;
    private KeyValueStore<String, Long> index;
    private MockProcessorContext<String, String> context;

    @BeforeEach
    void stores() {
        packs = init(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("ids-log-test"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build());
        index = init(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("ids-index-test"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build());
    }

    @Test
    void everyCopyWithinTheWindowIsCaughtAcrossCommitsRebuildsAndRestarts() {
        WriteBehindStore<Bytes, byte[]> log = log();
        EventIds ids = new EventIds(log, index, WINDOW);
        int n = 1_200_000; // more than the first filter's capacity (2^20): it is built again on the way
        for (int i = 0; i < n; i++) {
            assertTrue(ids.firstSight("e" + i, T0 + i), "first sight of e" + i);
            if (i % 100_000 == 99_999) {
                log.flushCache(); // a commit
            }
        }
        for (int i = 0; i < n; i += 997) {
            assertFalse(ids.firstSight("e" + i, T0 + i), "copy of e" + i);
            assertFalse(ids.firstSight("e" + i, T0 + i + 1_000), "copy of e" + i + " a second later");
        }
        log.flushCache();
        EventIds restarted = new EventIds(log(), index, WINDOW);
        for (int i = 0; i < n; i += 991) {
            assertFalse(restarted.firstSight("e" + i, T0 + i), "copy of e" + i + " after a restart");
        }
        assertTrue(restarted.firstSight("new", T0 + n), "a new id is new");
        assertFalse(restarted.firstSight("new", T0 + n + WINDOW - 1), "and its copy at the end of the window is not");
        assertTrue(packEntries() < n / 1_000, "ids are written in packs, not one entry each: " + packEntries());
    }

    @Test
    void aLostIndexIsRebuiltFromTheLog() {
        WriteBehindStore<Bytes, byte[]> log = log();
        EventIds ids = new EventIds(log, index, WINDOW);
        for (int i = 0; i < 1_000; i++) {
            ids.firstSight("e" + i, T0 + i);
        }
        log.flushCache();
        assertEquals(1_001, count(index), "each id and the stamp");
        wipe(index); // a task moved to an instance without it: the index is not in the changelog
        EventIds elsewhere = new EventIds(log(), index, WINDOW);
        assertEquals(1_001, count(index));
        for (int i = 0; i < 1_000; i++) {
            assertFalse(elsewhere.firstSight("e" + i, T0 + i + 5), "copy of e" + i);
        }
    }

    @Test
    void idsTheLogNeverCommittedLeaveTheIndexAtTheRestart() {
        WriteBehindStore<Bytes, byte[]> log = log();
        EventIds ids = new EventIds(log, index, WINDOW);
        assertTrue(ids.firstSight("committed", T0));
        log.flushCache();
        // Snapshot of the log as committed; then a commit whose transaction is aborted after the stores were written.
        List<KeyValue<Bytes, byte[]>> committed = entries(packs);
        assertTrue(ids.firstSight("aborted", T0 + 1));
        log.flushCache();
        assertEquals(3, count(index));
        wipe(packs);
        packs.putAll(committed); // what a restore from the changelog brings back
        EventIds restarted = new EventIds(log(), index, WINDOW);
        assertNull(index.get("aborted"), "the uncommitted id is gone from the index");
        assertTrue(restarted.firstSight("aborted", T0 + 1), "so its record, delivered again, counts");
        assertFalse(restarted.firstSight("committed", T0 + 2));
    }

    @Test
    void aRestartOverStoresInStepReadsNoPack() {
        WriteBehindStore<Bytes, byte[]> log = log();
        EventIds ids = new EventIds(log, index, WINDOW);
        ids.firstSight("a", T0);
        log.flushCache();
        Long stamp = index.get(EventIds.STAMP);
        new EventIds(log(), index, WINDOW);
        assertEquals(stamp, index.get(EventIds.STAMP), "no rebuild: the same stamp");
        ids.firstSight("b", T0 + 1);
        log.flushCache();
        assertNotEquals(stamp, index.get(EventIds.STAMP), "each write stamps anew");
    }

    @Test
    void idsOlderThanTheWindowLeaveBothStoresButOneSeenAgainLaterStays() {
        WriteBehindStore<Bytes, byte[]> log = log();
        EventIds ids = new EventIds(log, index, WINDOW);
        assertTrue(ids.firstSight("old", T0));
        assertTrue(ids.firstSight("again", T0));
        log.flushCache();
        assertTrue(ids.firstSight("again", T0 + WINDOW + 1), "a window later: new");
        log.flushCache();
        assertTrue(ids.firstSight("newer", T0 + WINDOW + WINDOW / 2)); // the bucket of T0 is now a window behind
        log.flushCache();
        assertNull(index.get("old"), "gone with its bucket");
        assertEquals(T0 + WINDOW + 1, index.get("again"), "kept at its later time");
        assertFalse(ids.firstSight("again", T0 + WINDOW + 10), "and still caught");
        EventIds restarted = new EventIds(log(), index, WINDOW);
        assertFalse(restarted.firstSight("again", T0 + 2 * WINDOW), "after a restart too");
        wipe(index);
        EventIds rebuilt = new EventIds(log(), index, WINDOW);
        assertNull(index.get("old"), "the rebuild finds no pack of the gone bucket");
        assertFalse(rebuilt.firstSight("again", T0 + 2 * WINDOW), "nor after a rebuild");
        assertTrue(rebuilt.firstSight("old", T0 + WINDOW + WINDOW / 2), "its id within the window of now is new again");
    }

    @Test
    void theIdsOfAnEarlierBuildsWindowStoreAreTakenOverAndItIsEmptied() {
        WindowStore<String, Long> legacy = init(Stores.windowStoreBuilder(Stores.persistentWindowStore("ids-legacy-test",
                Duration.ofMillis(WINDOW), Duration.ofMillis(1), false), Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
        for (int i = 0; i < 100; i++) {
            legacy.put("e" + i, T0 + i, T0 + i);
        }
        WriteBehindStore<Bytes, byte[]> log = log();
        EventIds ids = new EventIds(log, index, WINDOW);
        assertEquals(100, ids.adopt(legacy));
        try (KeyValueIterator<Windowed<String>, Long> it = legacy.all()) {
            assertFalse(it.hasNext(), "the old store is emptied");
        }
        for (int i = 0; i < 100; i += 7) {
            assertFalse(ids.firstSight("e" + i, T0 + i), "copy of e" + i);
        }
        log.flushCache();
        EventIds restarted = new EventIds(log(), index, WINDOW);
        assertEquals(0, restarted.adopt(legacy));
        assertFalse(restarted.firstSight("e42", T0 + 42), "kept in the packs");
    }

    /** The log as a task started (again) over the store underneath sees it. */
    private WriteBehindStore<Bytes, byte[]> log() {
        return new WriteBehindStore<>(packs);
    }

    private long packEntries() {
        return entries(packs).stream().filter(kv -> kv.key.get()[0] == 'p').count();
    }

    private <S extends StateStore> S init(S store) {
        if (context == null) {
            Properties props = new Properties();
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "event-ids-test");
            context = new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
        }
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static <K, V> List<KeyValue<K, V>> entries(KeyValueStore<K, V> store) {
        List<KeyValue<K, V>> out = new ArrayList<>();
        try (KeyValueIterator<K, V> it = store.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static <K, V> long count(KeyValueStore<K, V> store) {
        return entries(store).size();
    }

    private static <K, V> void wipe(KeyValueStore<K, V> store) {
        for (KeyValue<K, V> kv : entries(store)) {
            store.delete(kv.key);
        }
    }
}
