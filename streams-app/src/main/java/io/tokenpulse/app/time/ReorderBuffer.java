package io.tokenpulse.app.time;

import io.tokenpulse.app.state.WriteBehindStore;
import io.tokenpulse.serde.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records waiting for the watermark, handed out in the order they are judged in: event time, then a rank (which kind
 * of record goes first at the same millisecond), then an id. Draining up to a watermark yields the same sequence
 * whatever order the records arrived in, which is what makes the outputs a function of the input set.
 *
 * <p>The order lives in memory: an index of every held record's key, rebuilt from the store when the task starts.
 * The store only has to keep the records across a restart, and it keeps them in packs: the records still held when
 * the task commits, that arrived since the last commit, are written as one pack (one RocksDB write and one changelog
 * record for up to {@link #PACK_BYTES}, where a store entry per record cost a write, a changelog record, a read and a
 * tombstone each: half the intake of a backlog in issue 11's profiles). A record judged before the commit it arrived
 * in is never written. As the records of a pack are judged, a bitmap of those gone is written beside it at the
 * commit; the pack and its bitmap are deleted with its last record. Both are written through the task's
 * {@link WriteBehindStore}, in the commit's transaction, so what the changelog holds is always exactly what the task
 * held at a commit.
 */
public final class ReorderBuffer<V> {
    /** A pack is closed before it passes this size (a single bigger record makes a pack of its own). */
    static final int PACK_BYTES = 256 * 1024;
    /**
     * Bytes of packs kept read per task: a drain reads a pack's records one after the other, so a few packs do; more
     * would only add to the heap of every task (16 such packs are 4 MB).
     */
    private static final long READ_CACHE_BYTES = 4L << 20;
    private static final byte PACK = 'p';
    private static final byte DONE = 'd';

    /** How held values become bytes and back. */
    public interface Codec<V> {
        /** Writes the value's bytes to {@code out}. */
        void encode(V value, ByteSink out);

        V decode(byte[] bytes, int offset, int length);
    }

    /** One held record: its event time and what was stored for it. */
    public record Held<V>(Bytes key, long at, V value) {
    }

    /** A held record: its value until it is written, then its place in a pack. */
    private static final class Slot<V> {
        final Bytes key;
        V value;
        Pack pack;
        int pos;
        boolean gone;

        Slot(Bytes key, V value) {
            this.key = key;
            this.value = value;
        }
    }

    /** A pack in the store, with which of its records are gone. */
    private static final class Pack {
        final long id;
        final BitSet done;
        int live;
        boolean doneWritten;
        boolean dirty;

        Pack(long id, BitSet done) {
            this.id = id;
            this.done = done;
        }
    }

    /** A pack's bytes with where each record's value starts and ends. */
    private static final class Read {
        final byte[] bytes;
        final int[] offsets;
        final int[] lengths;

        Read(byte[] bytes, int[] offsets, int[] lengths) {
            this.bytes = bytes;
            this.offsets = offsets;
            this.lengths = lengths;
        }
    }

    private final WriteBehindStore<Bytes, byte[]> store;
    private final Codec<V> codec;
    private final TreeMap<Bytes, Slot<V>> index = new TreeMap<>();
    /** Records added since the last write, in arrival order (some gone since). */
    private final List<Slot<V>> unwritten = new ArrayList<>();
    private final List<Pack> dirty = new ArrayList<>();
    private final LinkedHashMap<Long, Read> reads = new LinkedHashMap<>(16, 0.75f, true);
    private long readBytes;
    private long nextPack;

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
        Slot<V> fresh = new Slot<>(key, value);
        Slot<V> s = index.putIfAbsent(key, fresh); // one walk down the tree, not a get and a put
        if (s == null) {
            unwritten.add(fresh);
        } else if (s.pack == null) {
            s.value = value;
        } else {
            gone(s.pack, s.pos);
            s.pack = null;
            s.value = value;
            unwritten.add(s);
        }
    }

    /** The key a record is held under: its place in judging order (compare with {@link Bytes#compareTo}). */
    public static Bytes keyOf(long at, int rank, String id) {
        return Bytes.wrap(key(at, rank, id));
    }

    /** Up to {@code max} held records of event time at or before {@code upTo}, in judging order. */
    public List<Held<V>> upTo(long upTo, int max) {
        if (index.isEmpty() || upTo < timeOf(index.firstKey().get())) {
            return List.of();
        }
        List<Held<V>> out = new ArrayList<>(Math.min(max, index.size()));
        for (Slot<V> s : index.values()) {
            long at = timeOf(s.key.get());
            if (at > upTo || out.size() >= max) {
                break;
            }
            out.add(new Held<>(s.key, at, s.pack == null ? s.value : valueAt(s.pack, s.pos)));
        }
        return out;
    }

    /** Removes a record judged. */
    public void remove(Held<V> h) {
        Slot<V> s;
        Map.Entry<Bytes, Slot<V>> first = index.firstEntry();
        if (first != null && first.getKey().equals(h.key())) {
            // Records are judged in order, so the one judged is nearly always the first: taken off the tree's left
            // edge without comparing keys on the way down (a search by key was 3 to 6% of a backlog's judging).
            s = index.pollFirstEntry().getValue();
        } else {
            s = index.remove(h.key());
        }
        if (s == null) {
            return;
        }
        s.gone = true;
        s.value = null;
        if (s.pack != null) {
            gone(s.pack, s.pos);
        }
    }

    /** Call after a drain to {@code upTo}: nothing at or before it is held any more. */
    public void drained(long upTo) {
        // Nothing to do: the index knows the earliest record held.
    }

    /** How many records are held. */
    public int size() {
        return index.size();
    }

    private void gone(Pack p, int pos) {
        p.done.set(pos);
        p.live--;
        if (!p.dirty) {
            p.dirty = true;
            dirty.add(p);
        }
    }

    /** At the flush before a commit: the bitmaps of packs read from, and the records held since the last one. */
    private void write() {
        for (Pack p : dirty) {
            p.dirty = false;
            if (p.live == 0) {
                store.discard(packKey(PACK, p.id));
                if (p.doneWritten) {
                    store.discard(packKey(DONE, p.id));
                }
                Read r = reads.remove(p.id);
                if (r != null) {
                    readBytes -= r.bytes.length;
                }
            } else {
                store.put(packKey(DONE, p.id), p.done.toByteArray());
                p.doneWritten = true;
            }
        }
        dirty.clear();
        PackWriter w = null;
        for (Slot<V> s : unwritten) {
            if (s.gone || s.pack != null) {
                continue;
            }
            if (w == null) {
                w = new PackWriter(new Pack(nextPack++, new BitSet()));
            }
            int before = w.size();
            s.pos = w.add(s.key.get(), s.value, codec);
            if (w.size() > PACK_BYTES && w.count > 1) { // the pack would pass its size: this record starts the next
                w.undo(before);
                close(w);
                w = new PackWriter(new Pack(nextPack++, new BitSet()));
                s.pos = w.add(s.key.get(), s.value, codec);
            }
            s.pack = w.pack;
            s.value = null;
        }
        if (w != null) {
            close(w);
        }
        unwritten.clear();
    }

    private void close(PackWriter w) {
        w.pack.live = w.count;
        store.putNew(packKey(PACK, w.pack.id), w.bytes());
    }

    private V valueAt(Pack p, int pos) {
        Read r = reads.get(p.id);
        if (r == null) {
            byte[] bytes = store.get(packKey(PACK, p.id));
            if (bytes == null) {
                throw new IllegalStateException("a pack of held records is missing from its store: " + p.id);
            }
            r = parse(bytes, null);
            reads.put(p.id, r);
            readBytes += bytes.length;
            for (Iterator<Map.Entry<Long, Read>> it = reads.entrySet().iterator(); readBytes > READ_CACHE_BYTES && it.hasNext(); ) {
                Map.Entry<Long, Read> e = it.next();
                if (e.getKey() != p.id) {
                    readBytes -= e.getValue().bytes.length;
                    it.remove();
                }
            }
        }
        return codec.decode(r.bytes, r.offsets[pos], r.lengths[pos]);
    }

    /** What the store holds: packs, their bitmaps, and records held one per entry by an earlier build. */
    private void load() {
        Map<Long, byte[]> stored = new TreeMap<>();
        Map<Long, BitSet> done = new HashMap<>();
        List<KeyValue<Bytes, byte[]>> single = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                if (k.length == 1 + Long.BYTES && (k[0] == PACK || k[0] == DONE)) {
                    long id = ByteBuffer.wrap(k, 1, Long.BYTES).getLong();
                    if (k[0] == PACK) {
                        stored.put(id, kv.value);
                    } else {
                        done.put(id, BitSet.valueOf(kv.value));
                    }
                    nextPack = Math.max(nextPack, id + 1);
                } else {
                    single.add(kv); // the judging-order key and the value, as builds before packs stored them
                }
            }
        }
        for (Map.Entry<Long, byte[]> e : stored.entrySet()) { // in pack order: a later pack holds the newer value
            BitSet gone = done.getOrDefault(e.getKey(), new BitSet());
            Pack p = new Pack(e.getKey(), gone);
            p.doneWritten = done.containsKey(e.getKey());
            List<Bytes> keys = new ArrayList<>();
            parse(e.getValue(), keys);
            for (int pos = 0; pos < keys.size(); pos++) {
                if (gone.get(pos)) {
                    continue;
                }
                Slot<V> s = new Slot<>(keys.get(pos), null);
                s.pack = p;
                s.pos = pos;
                p.live++;
                Slot<V> before = index.put(s.key, s);
                if (before != null) {
                    gone(before.pack, before.pos);
                }
            }
            if (p.live == 0 && !p.dirty) {
                p.dirty = true;
                dirty.add(p);
            }
        }
        for (KeyValue<Bytes, byte[]> kv : single) {
            store.discard(kv.key);
            add(kv.key, codec.decode(kv.value, 0, kv.value.length));
        }
    }

    /** Reads a pack: where its values are, and (if {@code keys} is given) its keys. */
    private static Read parse(byte[] bytes, List<Bytes> keys) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int count = b.getInt();
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            int keyLength = b.getInt();
            if (keys != null) {
                byte[] key = new byte[keyLength];
                b.get(key);
                keys.add(Bytes.wrap(key));
            } else {
                b.position(b.position() + keyLength);
            }
            lengths[i] = b.getInt();
            offsets[i] = b.position();
            b.position(b.position() + lengths[i]);
        }
        return new Read(bytes, offsets, lengths);
    }

    /** A pack being written: a count, then each record's key and value, each after its length. */
    private static final class PackWriter {
        final Pack pack;
        int count;
        private final ByteSink out = new ByteSink(64 * 1024);

        PackWriter(Pack pack) {
            this.pack = pack;
            out.writeFixedInt(0);
        }

        int size() {
            return out.size();
        }

        <V> int add(byte[] key, V value, Codec<V> codec) {
            out.writeFixedInt(key.length);
            out.write(key);
            int length = out.size();
            out.writeFixedInt(0);
            codec.encode(value, out);
            out.putFixedInt(length, out.size() - length - 4);
            return count++;
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
