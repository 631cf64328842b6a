package io.tokenpulse.app.time;

import io.tokenpulse.app.state.WriteBehindStore;
import io.tokenpulse.serde.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records waiting for the watermark, handed out in the order they are judged in: event time, then a rank (which kind
 * of record goes first at the same millisecond), then an id. Handing out up to a watermark yields the same sequence
 * whatever order the records arrived in, which is what makes the outputs a function of the input set.
 *
 * <p>The held records are kept in the task's store, sorted, not in the heap. At each commit the records that arrived
 * since the last one and are still held are written as <em>runs</em>: packs of up to {@link #PACK_BYTES} in judging
 * order, one RocksDB write and one changelog record each. The buffer hands records out by merging its runs, and the
 * few records not written yet, on each one's next key: the heap keeps per run its id, its next key and a bitmap of
 * the records gone: a few hundred bytes per run, however many records it holds (a full run of uses holds some
 * 1,700). An index entry per held record (some 280 bytes) made a start-up wait over a backlog cost a gigabyte of
 * heap and a seventh of a core in G1 marking (issue 11).
 *
 * <p>As a run's records are judged, its bitmap is written beside it at the commit; the run and its bitmap are deleted
 * with its last record. A record judged before the commit it arrived in is never written. All of it goes through the
 * task's {@link WriteBehindStore}, in the commit's transaction, so what the changelog holds is always exactly what the
 * task held at a commit, and a task started afresh over the store hands out exactly what the one before would have.
 *
 * <p>A record held again under the same key replaces the one held before: the newer copy (one not written yet, or
 * the one in the later run) is handed out, and the older ones go with it.
 */
public final class ReorderBuffer<V> {
    /** A run is closed before it passes this size (a single bigger record makes a run of its own). */
    static final int PACK_BYTES = 256 * 1024;
    /**
     * Bytes of runs kept read per task: handing out reads a run's records one after the other, so a few runs do;
     * more would only add to the heap of every task (16 such runs are 4 MB).
     */
    private static final long READ_CACHE_BYTES = 4L << 20;
    /** A run: records in judging order. */
    private static final byte RUN = 'r';
    /** A pack in arrival order, as builds before runs wrote them: its records are held afresh at start. */
    private static final byte ARRIVAL_PACK = 'p';
    private static final byte DONE = 'd';

    /** How held values become bytes and back. */
    public interface Codec<V> {
        /** Writes the value's bytes to {@code out}. */
        void encode(V value, ByteSink out);

        V decode(byte[] bytes, int offset, int length);
    }

    /** A run in the store: how far it is handed out, and which of its records are gone. */
    private static final class Run {
        final long id;
        final int count;
        final BitSet done;
        int live;
        /** The first record not gone, and its key ({@code null} once all are). */
        int next;
        Bytes head;
        /** The run's bytes while they are in the read cache. */
        Read read;
        boolean doneWritten;
        boolean dirty;

        Run(long id, int count, BitSet done) {
            this.id = id;
            this.count = count;
            this.done = done;
        }
    }

    /** A run's bytes with where each record's key and value start, and each value's length. */
    private static final class Read {
        final byte[] bytes;
        final int[] keyOffsets;
        final int[] offsets;
        final int[] lengths;

        Read(byte[] bytes, int[] keyOffsets, int[] offsets, int[] lengths) {
            this.bytes = bytes;
            this.keyOffsets = keyOffsets;
            this.offsets = offsets;
            this.lengths = lengths;
        }

        int count() {
            return offsets.length;
        }

        Bytes key(int pos) {
            // a value starts after its 4-byte length, which follows the key
            return Bytes.wrap(Arrays.copyOfRange(bytes, keyOffsets[pos], offsets[pos] - Integer.BYTES));
        }
    }

    private final WriteBehindStore<Bytes, byte[]> store;
    private final Codec<V> codec;
    /** Records added since the last write. */
    private final TreeMap<Bytes, V> fresh = new TreeMap<>();
    /** Runs with records left, as a binary heap: the run with the least next key first (of equal ones, the newest). */
    private Run[] heap = new Run[16];
    private int heapSize;
    /** Records left in runs. */
    private long stored;
    private final List<Run> dirty = new ArrayList<>();
    /** Runs whose bytes are kept, least recently read first. */
    private final LinkedHashMap<Long, Run> reads = new LinkedHashMap<>(16, 0.75f, true);
    private Run lastRead;
    private long readBytes;
    private long nextRun;

    /** A buffer over {@code store} (Kafka Streams' handle on a {@link WriteBehindStore}), with what it holds. */
    public ReorderBuffer(KeyValueStore<Bytes, byte[]> store, Codec<V> codec) {
        this.store = WriteBehindStore.<Bytes, byte[]>in(store)
                .orElseThrow(() -> new IllegalArgumentException("the reorder buffer needs a write-behind store"));
        this.codec = codec;
        this.store.beforeWrite(this::write);
        load();
    }

    /** Holds a record under a key from {@link #keyOf}; a record held under the same key before is replaced. */
    public void add(Bytes key, V value) {
        fresh.put(key, value);
    }

    /** The key a record is held under: its place in judging order (compare with {@link Bytes#compareTo}). */
    public static Bytes keyOf(long at, int rank, String id) {
        return Bytes.wrap(key(at, rank, id));
    }

    /** The event time in a key from {@link #keyOf}. */
    public static long timeOf(Bytes key) {
        return timeOf(key.get());
    }

    /** The key of the first record held, in judging order, if its event time is at or before {@code upTo}. */
    public Bytes first(long upTo) {
        Bytes f = fresh.isEmpty() ? null : fresh.firstKey();
        Bytes k = heapSize > 0 && (f == null || heap[0].head.compareTo(f) < 0) ? heap[0].head : f;
        return k == null || timeOf(k) > upTo ? null : k;
    }

    /** Lets go of the first record held (the one {@link #first} names) and gives its value. */
    public V takeFirst() {
        Bytes f = fresh.isEmpty() ? null : fresh.firstKey();
        Bytes key;
        V value;
        if (heapSize > 0 && (f == null || heap[0].head.compareTo(f) < 0)) {
            Run r = heap[0];
            key = r.head;
            Read read = read(r);
            value = codec.decode(read.bytes, read.offsets[r.next], read.lengths[r.next]);
            takeTop();
        } else if (f != null) {
            key = f;
            value = fresh.pollFirstEntry().getValue();
        } else {
            throw new NoSuchElementException("no record is held");
        }
        while (heapSize > 0 && heap[0].head.compareTo(key) == 0) {
            takeTop(); // an older copy under the same key, replaced by the one handed out
        }
        return value;
    }

    /** How many records are held (a key held again counts once per copy until it is handed out). */
    public long size() {
        return stored + fresh.size();
    }

    /** The first record left in the first run goes: the run moves on to its next record, or leaves the heap. */
    private void takeTop() {
        Run r = heap[0];
        r.done.set(r.next);
        r.live--;
        stored--;
        dirty(r);
        r.next = r.done.nextClearBit(r.next + 1);
        if (r.next < r.count) {
            r.head = read(r).key(r.next);
        } else {
            r.head = null;
            heap[0] = heap[--heapSize];
            heap[heapSize] = null;
        }
        if (heapSize > 0) {
            siftDown(0);
        }
    }

    private void dirty(Run r) {
        if (!r.dirty) {
            r.dirty = true;
            dirty.add(r);
        }
    }

    /** At the flush before a commit: the bitmaps of runs handed out from, and the records held since the last one. */
    private void write() {
        for (Run r : dirty) {
            r.dirty = false;
            if (r.live == 0) {
                store.discard(packKey(RUN, r.id));
                if (r.doneWritten) {
                    store.discard(packKey(DONE, r.id));
                }
                if (reads.remove(r.id) != null) {
                    readBytes -= r.read.bytes.length;
                    r.read = null;
                }
                if (lastRead == r) {
                    lastRead = null;
                }
            } else {
                store.put(packKey(DONE, r.id), r.done.toByteArray());
                r.doneWritten = true;
            }
        }
        dirty.clear();
        if (fresh.isEmpty()) {
            return;
        }
        RunWriter w = new RunWriter();
        for (Map.Entry<Bytes, V> e : fresh.entrySet()) {
            int before = w.size();
            w.add(e.getKey(), e.getValue(), codec);
            if (w.size() > PACK_BYTES && w.count > 1) { // the run would pass its size: this record starts the next
                w.undo(before);
                close(w);
                w = new RunWriter();
                w.add(e.getKey(), e.getValue(), codec);
            }
        }
        close(w);
        fresh.clear();
    }

    private void close(RunWriter w) {
        Run r = new Run(nextRun++, w.count, new BitSet());
        r.live = w.count;
        r.head = w.first;
        stored += w.count;
        store.putNew(packKey(RUN, r.id), w.bytes());
        push(r);
    }

    /** The run's bytes, from the read cache or the store. */
    private Read read(Run r) {
        if (r == lastRead) {
            return r.read;
        }
        lastRead = r;
        if (r.read != null) {
            reads.get(r.id); // now the most recently read
            return r.read;
        }
        byte[] bytes = store.get(packKey(RUN, r.id));
        if (bytes == null) {
            throw new IllegalStateException("a run of held records is missing from its store: " + r.id);
        }
        r.read = parse(bytes);
        reads.put(r.id, r);
        readBytes += bytes.length;
        for (Iterator<Run> it = reads.values().iterator(); readBytes > READ_CACHE_BYTES && it.hasNext(); ) {
            Run old = it.next();
            if (old != r) {
                readBytes -= old.read.bytes.length;
                old.read = null;
                it.remove();
            }
        }
        return r.read;
    }

    /** What the store holds: runs and their bitmaps, and records held by earlier builds, which are held afresh. */
    private void load() {
        Map<Long, byte[]> runs = new TreeMap<>();
        Map<Long, byte[]> arrivalPacks = new TreeMap<>();
        Map<Long, BitSet> done = new HashMap<>();
        List<KeyValue<Bytes, byte[]>> single = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                if (k.length == 1 + Long.BYTES && (k[0] == RUN || k[0] == ARRIVAL_PACK || k[0] == DONE)) {
                    long id = ByteBuffer.wrap(k, 1, Long.BYTES).getLong();
                    if (k[0] == RUN) {
                        runs.put(id, kv.value);
                    } else if (k[0] == ARRIVAL_PACK) {
                        arrivalPacks.put(id, kv.value);
                    } else {
                        done.put(id, BitSet.valueOf(kv.value));
                    }
                    nextRun = Math.max(nextRun, id + 1);
                } else {
                    single.add(kv); // the judging-order key and the value, as builds before packs stored them
                }
            }
        }
        for (Map.Entry<Long, byte[]> e : runs.entrySet()) {
            BitSet gone = done.getOrDefault(e.getKey(), new BitSet());
            Read read = parse(e.getValue());
            Run r = new Run(e.getKey(), read.count(), gone);
            r.doneWritten = done.containsKey(e.getKey());
            r.live = r.count - gone.cardinality();
            stored += r.live;
            r.next = gone.nextClearBit(0);
            if (r.next < r.count) {
                r.head = read.key(r.next);
                push(r);
            } else {
                dirty(r); // nothing left: deleted at the next write
            }
        }
        for (Map.Entry<Long, byte[]> e : arrivalPacks.entrySet()) { // in pack order: a later pack holds the newer copy
            BitSet gone = done.getOrDefault(e.getKey(), new BitSet());
            Read read = parse(e.getValue());
            for (int pos = 0; pos < read.count(); pos++) {
                if (!gone.get(pos)) {
                    fresh.put(read.key(pos), codec.decode(read.bytes, read.offsets[pos], read.lengths[pos]));
                }
            }
            store.discard(packKey(ARRIVAL_PACK, e.getKey()));
            if (done.containsKey(e.getKey())) {
                store.discard(packKey(DONE, e.getKey()));
            }
        }
        for (KeyValue<Bytes, byte[]> kv : single) {
            store.discard(kv.key);
            fresh.put(kv.key, codec.decode(kv.value, 0, kv.value.length));
        }
    }

    private void push(Run r) {
        if (heapSize == heap.length) {
            heap = Arrays.copyOf(heap, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(r, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = r;
    }

    private void siftDown(int i) {
        Run r = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], r)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = r;
    }

    /** Whether run {@code a} hands out before run {@code b}: a lesser next key, or the same key in a newer run. */
    private static boolean before(Run a, Run b) {
        int c = a.head.compareTo(b.head);
        return c < 0 || (c == 0 && a.id > b.id);
    }

    /** Reads a pack or run: where its keys and values are. */
    private static Read parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int count = b.getInt();
        int[] keyOffsets = new int[count];
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            int keyLength = b.getInt();
            keyOffsets[i] = b.position();
            b.position(b.position() + keyLength);
            lengths[i] = b.getInt();
            offsets[i] = b.position();
            b.position(b.position() + lengths[i]);
        }
        return new Read(bytes, keyOffsets, offsets, lengths);
    }

    /** A run being written: a count, then each record's key and value, each after its length. */
    private static final class RunWriter {
        int count;
        Bytes first;
        private final ByteSink out = new ByteSink(64 * 1024);

        RunWriter() {
            out.writeFixedInt(0);
        }

        int size() {
            return out.size();
        }

        <V> void add(Bytes key, V value, Codec<V> codec) {
            if (count == 0) {
                first = key;
            }
            byte[] k = key.get();
            out.writeFixedInt(k.length);
            out.write(k);
            int length = out.size();
            out.writeFixedInt(0);
            codec.encode(value, out);
            out.putFixedInt(length, out.size() - length - 4);
            count++;
        }

        /** Takes back the last record added, which began at {@code size}. */
        void undo(int size) {
            out.truncate(size);
            count--;
        }

        byte[] bytes() {
            out.putFixedInt(0, count);
            return out.toByteArray();
        }
    }

    private static Bytes packKey(byte kind, long id) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put(kind).putLong(id).array());
    }

    static byte[] key(long at, int rank, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + 1 + idBytes.length).putLong(at ^ Long.MIN_VALUE).put((byte) rank)
                .put(idBytes).array();
    }

    /** Flipping the sign bit (in key) makes big-endian byte order equal numeric order, negative times included. */
    private static long timeOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }
}
