package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * De-duplication with the filter in front of the store: a copy within the window is always caught, whether it comes
 * before or after the filter was built again, and after a restart that rebuilds it from the store.
 */
class EventIdsTest {
    private static final long WINDOW = Duration.ofDays(7).toMillis();
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void everyCopyWithinTheWindowIsCaughtAcrossRebuildsAndRestarts() {
        WindowStore<String, Long> store = store(dir);
        EventIds ids = new EventIds(store, WINDOW);
        int n = 1_200_000; // more than the first filter's capacity (2^20): it is built again on the way
        for (int i = 0; i < n; i++) {
            assertTrue(ids.firstSight("e" + i, T0 + i), "first sight of e" + i);
        }
        for (int i = 0; i < n; i += 997) {
            assertFalse(ids.firstSight("e" + i, T0 + i), "copy of e" + i);
            assertFalse(ids.firstSight("e" + i, T0 + i + 1_000), "copy of e" + i + " a second later");
        }
        EventIds restarted = new EventIds(store, WINDOW);
        for (int i = 0; i < n; i += 991) {
            assertFalse(restarted.firstSight("e" + i, T0 + i), "copy of e" + i + " after a restart");
        }
        assertTrue(restarted.firstSight("new", T0 + n), "a new id is new");
        assertFalse(restarted.firstSight("new", T0 + n + WINDOW - 1), "and its copy at the end of the window is not");
    }

    private static WindowStore<String, Long> store(Path dir) {
        // The app's kind of store: RocksDB, whose fetch seeks; an in-memory window store walks every timestamp instead.
        WindowStore<String, Long> store = Stores.windowStoreBuilder(Stores.persistentWindowStore("ids-test",
                Duration.ofMillis(WINDOW), Duration.ofMillis(1), false), Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
        Properties props = new Properties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "event-ids-test");
        store.init(new MockProcessorContext<String, String>(props, new TaskId(0, 0), dir.toFile()).getStateStoreContext(), store);
        return store;
    }
}
