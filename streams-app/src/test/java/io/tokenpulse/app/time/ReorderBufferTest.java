package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.state.WriteBehindStore;
import io.tokenpulse.serde.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * flush, exactly the records it still holds: in sorted runs, with a bitmap of those handed out since, so that a task
 * started afresh over the store (a restart, a restore) holds exactly what the one before held at its last commit.
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
        buffer.add(use(20, "u2"), "use at 20");
        buffer.add(use(10, "u1"), "use at 10");
        assertEquals(List.of("use at 10"), take(buffer, 15));
        assertEquals(0, entries().size(), "nothing is written before the flush");
        store.flushCache();
        assertEquals(1, entries().size(), "the record still held, in one run");
        assertNull(restarted().first(15), "nothing at or before 15 after a restart");
        assertEquals(List.of("use at 20"), take(restarted(), Long.MAX_VALUE));
    }

    @Test
    void runsAndTheRecordsSinceTheLastFlushComeOutMergedInJudgingOrder() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        for (int at = 5; at >= 1; at--) {
            buffer.add(use(at * 10, "u" + at), "use at " + at * 10);
        }
        store.flushCache();
        buffer.add(use(35, "u35"), "use at 35");
        buffer.add(use(5, "u05"), "use at 5");
        store.flushCache(); // a second run, overlapping the first
        buffer.add(use(25, "u25"), "use at 25"); // not written yet
        buffer.add(ReorderBuffer.keyOf(40, 0, "t\u0000e40"), "issued at 40"); // before the use at 40: a lower rank
        assertEquals(5, ReorderBuffer.timeOf(buffer.first(Long.MAX_VALUE)));
        assertNull(buffer.first(4), "nothing at or before 4");
        assertEquals(List.of("use at 5", "use at 10", "use at 20", "use at 25"), take(buffer, 29));
        store.flushCache();
        assertEquals(List.of("use at 30", "use at 35", "issued at 40", "use at 40", "use at 50"),
                take(restarted(), 60), "the rest, in order, after a restart");
        assertEquals(List.of("use at 30", "use at 35", "issued at 40", "use at 40", "use at 50"), take(buffer, 60));
    }

    @Test
    void aRunIsDeletedWithItsLastRecordAndABitmapKeepsTrackUntilThen() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        for (int at = 100; at >= 1; at--) {
            buffer.add(use(at, "u" + at), "use at " + at);
        }
        store.flushCache();
        assertEquals(1, entries().size(), "a hundred records, one run");
        assertEquals(40, take(buffer, 40).size());
        store.flushCache();
        assertEquals(2, entries().size(), "the run and its bitmap");
        ReorderBuffer<String> again = restarted();
        assertEquals(60, again.size());
        assertEquals("use at 41", again.takeFirst());
        assertEquals(60, take(buffer, 100).size());
        store.flushCache();
        assertEquals(Map.of(), entries(), "nothing held, nothing stored");
        assertEquals(0, restarted().size());
    }

    @Test
    void runsStayUnderTheirSize() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        String big = "x".repeat(ReorderBuffer.PACK_BYTES / 10);
        for (int at = 1; at <= 25; at++) {
            buffer.add(use(at, "u" + at), big + at);
        }
        store.flushCache();
        assertEquals(3, entries().size(), "25 records of a tenth of a run each: three runs");
        for (byte[] run : entries().values()) {
            assertTrue(run.length <= ReorderBuffer.PACK_BYTES, "a run of " + run.length + " bytes");
        }
        List<String> all = take(restarted(), Long.MAX_VALUE);
        assertEquals(25, all.size());
        assertEquals(big + 25, all.get(24));
    }

    @Test
    void theSameKeyAgainReplacesTheValueHeldBeforeEvenAcrossAFlush() {
        WriteBehindStore<Bytes, byte[]> store = store();
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        buffer.add(use(10, "u1"), "first");
        store.flushCache();
        buffer.add(use(10, "u1"), "second");
        store.flushCache();
        buffer.add(use(10, "u1"), "third");
        buffer.add(use(10, "u1"), "fourth");
        assertEquals(List.of("second"), take(restarted(), 10), "the later run's copy");
        assertEquals(List.of("fourth"), take(buffer, 10));
        store.flushCache();
        assertEquals(Map.of(), entries(), "the older copies went with it");
    }

    @Test
    void recordsAnEarlierBuildStoredOneByOneAreHeldAndWrittenAsARun() {
        under.init(new MockProcessorContext<String, String>().getStateStoreContext(), under);
        under.put(use(30, "u3"), "use at 30".getBytes(StandardCharsets.UTF_8));
        under.put(use(10, "u1"), "use at 10".getBytes(StandardCharsets.UTF_8));
        WriteBehindStore<Bytes, byte[]> store = new WriteBehindStore<>(under); // over the store as it was opened
        ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
        assertEquals(10, ReorderBuffer.timeOf(buffer.first(100)));
        store.flushCache();
        assertEquals(1, entries().size(), "the two records, now in one run");
        assertEquals(List.of("use at 10", "use at 30"), take(restarted(), 100));
    }

    @Test
    void packsInArrivalOrderOfAnEarlierBuildAreHeldAfreshWithoutTheRecordsTheirBitmapsMarkGone() {
        under.init(new MockProcessorContext<String, String>().getStateStoreContext(), under);
        under.put(kindKey('p', 3), arrivalPack(List.of(use(30, "u3"), use(10, "u1"), use(20, "u2")),
                List.of("use at 30", "use at 10", "use at 20")));
        under.put(kindKey('d', 3), BitSet.valueOf(new long[] {0b10}).toByteArray()); // the use at 10 was judged
        under.put(kindKey('p', 4), arrivalPack(List.of(use(15, "u15")), List.of("use at 15")));
        WriteBehindStore<Bytes, byte[]> store = new WriteBehindStore<>(under);
        new ReorderBuffer<>(store, STRINGS);
        store.flushCache();
        assertEquals(1, entries().size(), "the three records still held, in one run; the packs and bitmap gone");
        assertEquals(List.of("use at 15", "use at 20", "use at 30"), take(restarted(), 100));
    }

    /**
     * Random adds (keys held again among them), hand-outs, flushes and crashes (a buffer started afresh over the
     * store, without what was not flushed) against a sorted map of what is held: the buffer hands out exactly the
     * map's values in key order, however its runs fall.
     */
    @Test
    void handsOutWhatASortedMapWouldThroughFlushesAndCrashes() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            WriteBehindStore<Bytes, byte[]> store = store();
            ReorderBuffer<String> buffer = new ReorderBuffer<>(store, STRINGS);
            TreeMap<Bytes, String> model = new TreeMap<>();
            TreeMap<Bytes, String> atFlush = new TreeMap<>();
            long floor = 0;
            for (int step = 0; step < 3_000; step++) {
                int op = random.nextInt(100);
                if (op < 70) {
                    Bytes key = use(floor + random.nextInt(200), "u" + random.nextInt(400));
                    String value = "v" + step + (random.nextInt(50) == 0 ? "x".repeat(40_000) : "");
                    buffer.add(key, value);
                    model.put(key, value);
                } else if (op < 85) {
                    floor += random.nextInt(20);
                    List<String> expected = new ArrayList<>();
                    while (!model.isEmpty() && ReorderBuffer.timeOf(model.firstKey()) <= floor) {
                        expected.add(model.pollFirstEntry().getValue());
                    }
                    assertEquals(expected, take(buffer, floor), "seed " + seed + ", step " + step);
                } else if (op < 97) {
                    store.flushCache();
                    atFlush = new TreeMap<>(model);
                } else {
                    store = new WriteBehindStore<>(under); // a crash: what was not flushed is lost
                    buffer = new ReorderBuffer<>(store, STRINGS);
                    model = new TreeMap<>(atFlush);
                }
            }
            assertEquals(new ArrayList<>(model.values()), take(buffer, Long.MAX_VALUE), "seed " + seed);
            store.flushCache();
            assertEquals(Map.of(), entries(), "seed " + seed + ": nothing held, nothing stored");
        }
    }

    @Test
    void aStoreThatIsNotWriteBehindIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReorderBuffer<>(under, STRINGS));
    }

    /** Hands out every record held at or before {@code upTo}, in order. */
    private static List<String> take(ReorderBuffer<String> buffer, long upTo) {
        List<String> out = new ArrayList<>();
        while (buffer.first(upTo) != null) {
            out.add(buffer.takeFirst());
        }
        return out;
    }

    /** A pack as builds before runs wrote them: its records in arrival order. */
    private static byte[] arrivalPack(List<Bytes> keys, List<String> values) {
        ByteSink out = new ByteSink(256);
        out.writeFixedInt(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            out.writeFixedInt(keys.get(i).get().length);
            out.write(keys.get(i).get());
            byte[] v = values.get(i).getBytes(StandardCharsets.UTF_8);
            out.writeFixedInt(v.length);
            out.write(v);
        }
        return out.toByteArray();
    }

    private static Bytes kindKey(char kind, long id) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put((byte) kind).putLong(id).array());
    }

    private static Bytes use(long at, String eventId) {
        return ReorderBuffer.keyOf(at, 2, "t\u0000" + eventId);
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
