package io.tokenpulse.app.time;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
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
 */
public final class ReorderBuffer {
    private final KeyValueStore<Bytes, byte[]> store;
    private final TreeSet<Bytes> keys = new TreeSet<>();

    public ReorderBuffer(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
    }

    /** One held record: its event time and what was stored for it (wrapped, so a Held compares by content). */
    public record Held(Bytes key, long at, Bytes value) {
    }

    public void add(long at, int rank, String id, byte[] value) {
        add(keyOf(at, rank, id), value);
    }

    /** Holds a record under a key from {@link #keyOf}. */
    public void add(Bytes key, byte[] value) {
        store.put(key, value);
        keys.add(key);
    }

    /** The key a record is held under: its place in judging order (compare with {@link Bytes#compareTo}). */
    public static Bytes keyOf(long at, int rank, String id) {
        return Bytes.wrap(key(at, rank, id));
    }

    /** Up to {@code max} held records of event time at or before {@code upTo}, in judging order. */
    public List<Held> upTo(long upTo, int max) {
        if (keys.isEmpty() || upTo < timeOf(keys.first().get())) {
            return List.of();
        }
        List<Held> out = new ArrayList<>();
        for (Bytes key : keys) {
            long at = timeOf(key.get());
            if (at > upTo || out.size() >= max) {
                break;
            }
            out.add(new Held(key, at, Bytes.wrap(store.get(key))));
        }
        return out;
    }

    /** Removes a record judged. */
    public void remove(Held h) {
        store.delete(h.key());
        keys.remove(h.key());
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
