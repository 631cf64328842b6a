package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.state.WriteBehindStore;
import io.tokenpulse.serde.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The reorder buffer hands records out in judging order whatever order they came in, and keeps in its store, at each
 * flush, exactly the records it still holds: in packs, with a bitmap of those judged since, so that a task started
 * afresh over the store (a restart, a restore) holds exactly what the one before held at its last commit.
 */
class ReorderBufferTest {
    private static final ReorderBuffer.Codec<String> STRINGS = new ReorderBuffer.Codec<>() {
        @Override
        public void encode(String value, ByteSink out) {
            out.write(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String decode(byte[] bytes, int offset, int length) {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }
    };

    private final KeyValueStore<Bytes, byte[]> under = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held-test"),
            Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();

    @Test
    void onlyWhatIsStillHeldAtTheFlushIsWrittenAndARestartHoldsExactlyThat() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        buffer.add(use(10, "u1"), "use at 10");
        buffer.add(use(20, "u2"), "use at 20");
        List<ReorderBuffer.Held<String>> due = buffer.upTo(15, 100);
        assertEquals(List.of("use at 10"), values(due));
        buffer.remove(due.get(0));
        assertEquals(0, entries().size(), "nothing is written before the flush");
        store.flushCache();
        assertEquals(1, entries().size(), "the record still held, in one pack");
        assertEquals(List.of("use at 20"), values(restarted().upTo(Long.MAX_VALUE, 100)));
        assertEquals(List.of(), restarted().upTo(15, 100), "nothing before it");
    }

    @Test
    void recordsHeldOverAFlushAndThoseSinceComeOutInJudgingOrder() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        for (int at = 5; at >= 1; at--) {
            buffer.add(use(at * 10, "u" + at), "use at " + at * 10);
        }
        store.flushCache();
        List<ReorderBuffer.Held<String>> first = buffer.upTo(20, 100);
        buffer.remove(first.get(1)); // the one at 20
        buffer.add(use(25, "u25"), "use at 25"); // not written yet
        buffer.add(ReorderBuffer.keyOf(45, 0, "t\u0000e45"), "issued at 45");
        assertEquals(List.of("use at 10", "use at 25", "use at 30", "use at 40", "issued at 45", "use at 50"),
                values(buffer.upTo(60, 100)));
        assertEquals(List.of("use at 10", "use at 25"), values(buffer.upTo(29, 100)));
        assertEquals(List.of("use at 10", "use at 25", "use at 30"), values(buffer.upTo(60, 3)));
        store.flushCache();
        assertEquals(List.of("use at 10", "use at 25", "use at 30", "use at 40", "issued at 45", "use at 50"),
                values(restarted().upTo(60, 100)), "the same after a restart");
    }

    @Test
    void aPackIsDeletedWithItsLastRecordAndABitmapKeepsTrackUntilThen() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        for (int at = 1; at <= 100; at++) {
            buffer.add(use(at, "u" + at), "use at " + at);
        }
        store.flushCache();
        assertEquals(1, entries().size(), "a hundred records, one pack");
        judge(buffer, 40);
        store.flushCache();
        assertEquals(2, entries().size(), "the pack and its bitmap");
        ReorderBuffer<String> again = restarted();
        assertEquals(60, again.size());
        assertEquals("use at 41", again.upTo(Long.MAX_VALUE, 1).get(0).value());
        judge(buffer, 100);
        store.flushCache();
        assertEquals(Map.of(), entries(), "nothing held, nothing stored");
        assertEquals(0, restarted().size());
    }

    @Test
    void packsStayUnderTheirSize() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        String big = "x".repeat(ReorderBuffer.PACK_BYTES / 10);
        for (int at = 1; at <= 25; at++) {
            buffer.add(use(at, "u" + at), big + at);
        }
        store.flushCache();
        assertEquals(3, entries().size(), "25 records of a tenth of a pack each: three packs");
        for (byte[] pack : entries().values()) {
            assertTrue(pack.length <= ReorderBuffer.PACK_BYTES, "a pack of " + pack.length + " bytes");
        }
        ReorderBuffer<String> again = restarted();
        List<ReorderBuffer.Held<String>> all = again.upTo(Long.MAX_VALUE, 100);
        assertEquals(25, all.size());
        assertEquals(big + 25, all.get(24).value());
    }

    @Test
    void theSameKeyAgainReplacesTheValueHeldBeforeEvenAcrossAFlush() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        buffer.add(use(10, "u1"), "first");
        store.flushCache();
        buffer.add(use(10, "u1"), "second");
        assertEquals(List.of("second"), values(buffer.upTo(10, 100)));
        store.flushCache();
        assertEquals(List.of("second"), values(restarted().upTo(10, 100)), "the older copy is marked gone in its pack");
    }

    @Test
    void recordsAnEarlierBuildStoredOneByOneAreHeldAndRepacked() {
        under.init(new MockProcessorContext<String, String>().getStateStoreContext(), under);
        under.put(use(30, "u3"), "use at 30".getBytes(StandardCharsets.UTF_8));
        under.put(use(10, "u1"), "use at 10".getBytes(StandardCharsets.UTF_8));
        WriteBehindStore<Bytes, byte[]> store = new WriteBehindStore<>(under); // over the store as it was opened
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        assertEquals(List.of("use at 10", "use at 30"), values(buffer.upTo(100, 100)));
        store.flushCache();
        assertEquals(1, entries().size(), "the two records, now in one pack");
        assertEquals(List.of("use at 10", "use at 30"), values(restarted().upTo(100, 100)));
    }

    @Test
    void aStoreThatIsNotWriteBehindIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReorderBuffer<>(under, STRINGS));
    }

    private static void judge(ReorderBuffer<String> buffer, long upTo) {
        for (ReorderBuffer.Held<String> h : buffer.upTo(upTo, 1_000)) {
            buffer.remove(h);
        }
    }

    private static Bytes use(long at, String eventId) {
        return ReorderBuffer.keyOf(at, 2, "t\u0000" + eventId);
    }

    private static List<String> values(List<ReorderBuffer.Held<String>> held) {
        return held.stream().map(ReorderBuffer.Held::value).toList();
    }

    private WriteBehindStore<Bytes, byte[]> store() {
        WriteBehindStore<Bytes, byte[]> store = new WriteBehindStore<>(under);
        store.init(new MockProcessorContext<String, String>().getStateStoreContext(), store);
        return store;
    }

    /** A buffer started afresh over what the store underneath holds, as a restarted task's is. */
    private ReorderBuffer<String> restarted() {
        return new ReorderBuffer<>(new WriteBehindStore<>(under), STRINGS);
    }

    private Map<Bytes, byte[]> entries() {
        Map<Bytes, byte[]> out = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = under.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.put(kv.key, kv.value);
            }
        }
        return out;
    }
}
