package io.tokenpulse.app.time;

import io.tokenpulse.app.state.WriteBehindStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records waiting for the watermark, in a store whose byte order is the order they are judged in: event time, then a
 * rank (which kind of record goes first at the same millisecond), then an id. Draining up to a watermark yields the
 * same sequence whatever order the records arrived in, which is what makes the outputs a function of the input set.
 *
 * <p>The keys held are also kept in memory, in the same order, so neither a drain nor a look for the earliest record
 * scans the store: a range over a cached store copies every cached key in the range first, once per call, which made
 * a drain per record cost as much as the whole buffer (issue 11). The store stays the record of what is held; the
 * index is rebuilt from it when the task starts.
 *
 * <p>On a {@link WriteBehindStore} a record judged within the commit interval it arrived in is never written: the
 * index knows which keys are new to the store, so their removal cancels the put.
 */
public final class ReorderBuffer<V> {
    private final KeyValueStore<Bytes, V> store;
    /** The same store when it is a write-behind one, else null. */
    private final WriteBehindStore<Bytes, V> writeBehind;
    private final TreeSet<Bytes> keys = new TreeSet<>();

    public ReorderBuffer(KeyValueStore<Bytes, V> store) {
        this.writeBehind = WriteBehindStore.<Bytes, V>in(store).orElse(null);
        this.store = writeBehind != null ? writeBehind : store;
        try (KeyValueIterator<Bytes, V> it = this.store.all()) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
    }

    /** One held record: its event time and what was stored for it. */
    public record Held<V>(Bytes key, long at, V value) {
    }

    /** Holds a record under a key from {@link #keyOf}. */
    public void add(Bytes key, V value) {
        // Every key of the store is in the index: a key the index did not have is new to the store.
        if (keys.add(key) && writeBehind != null) {
            writeBehind.putNew(key, value);
        } else {
            store.put(key, value);
        }
    }

    /** The key a record is held under: its place in judging order (compare with {@link Bytes#compareTo}). */
    public static Bytes keyOf(long at, int rank, String id) {
        return Bytes.wrap(key(at, rank, id));
    }

    /** Up to {@code max} held records of event time at or before {@code upTo}, in judging order. */
    public List<Held<V>> upTo(long upTo, int max) {
        if (keys.isEmpty() || upTo < timeOf(keys.first().get())) {
            return List.of();
        }
        List<Bytes> batch = new ArrayList<>();
        for (Bytes key : keys) {
            if (timeOf(key.get()) > upTo || batch.size() >= max) {
                break;
            }
            batch.add(key);
        }
        List<Held<V>> out = new ArrayList<>(batch.size());
        if (writeBehind == null) {
            for (Bytes key : batch) {
                out.add(new Held<>(key, timeOf(key.get()), store.get(key)));
            }
            return out;
        }
        // Those not written since the last flush come from memory; the rest, in one pass over the store in key order
        // (a record held over a commit, as a backlog is while the watermark waits): one seek for the batch instead of
        // a point lookup per record.
        KeyValueIterator<Bytes, V> written = null;
        KeyValue<Bytes, V> next = null;
        try {
            for (Bytes key : batch) {
                V value = writeBehind.unwritten(key);
                if (value == null) {
                    if (written == null) {
                        written = writeBehind.writtenRange(key, batch.get(batch.size() - 1));
                    }
                    while ((next == null || next.key.compareTo(key) < 0) && written.hasNext()) {
                        next = written.next(); // skips keys removed since the last flush
                    }
                    if (next == null || !next.key.equals(key)) {
                        throw new IllegalStateException("a held record is missing from its store: " + key);
                    }
                    value = next.value;
                }
                out.add(new Held<>(key, timeOf(key.get()), value));
            }
        } finally {
            if (written != null) {
                written.close();
            }
        }
        return out;
    }

    /** Removes a record judged. */
    public void remove(Held<V> h) {
        keys.remove(h.key());
        if (writeBehind != null) {
            writeBehind.discard(h.key());
        } else {
            store.delete(h.key());
        }
    }

    /** Call after a drain to {@code upTo}: nothing at or before it is held any more. */
    public void drained(long upTo) {
        // Nothing to do: the index knows the earliest record held.
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
