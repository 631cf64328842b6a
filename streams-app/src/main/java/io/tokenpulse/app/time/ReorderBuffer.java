package io.tokenpulse.app.time;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records waiting for the watermark, in a store whose byte order is the order they are judged in: event time, then a
 * rank (which kind of record goes first at the same millisecond), then an id. Draining up to a watermark yields the
 * same sequence whatever order the records arrived in, which is what makes the outputs a function of the input set.
 */
public final class ReorderBuffer {
    private final KeyValueStore<Bytes, byte[]> store;
    /** Event time of the earliest record held, or MAX when empty: a drain below it needs no scan. */
    private long earliest = Long.MAX_VALUE;

    public ReorderBuffer(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            if (it.hasNext()) {
                earliest = timeOf(it.next().key.get());
            }
        }
    }

    /** One held record: its event time and what was stored for it. */
    public record Held(Bytes key, long at, byte[] value) {
    }

    public void add(long at, int rank, String id, byte[] value) {
        store.put(Bytes.wrap(key(at, rank, id)), value);
        earliest = Math.min(earliest, at);
    }

    /** Up to {@code max} held records of event time at or before {@code upTo}, in judging order. */
    public List<Held> upTo(long upTo, int max) {
        if (upTo < earliest) {
            return List.of();
        }
        List<Held> out = new ArrayList<>();
        Bytes to = upTo == Long.MAX_VALUE ? null : Bytes.wrap(bound(upTo + 1));
        try (KeyValueIterator<Bytes, byte[]> it = store.range(null, to)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(new Held(kv.key, timeOf(kv.key.get()), kv.value));
            }
        }
        return out;
    }

    /** Removes a record judged; the earliest time held is looked up again once the buffer was drained past it. */
    public void remove(Held h) {
        store.delete(h.key());
    }

    /** Call after a drain to {@code upTo}: nothing at or before it is held any more. */
    public void drained(long upTo) {
        if (upTo == Long.MAX_VALUE) {
            earliest = Long.MAX_VALUE;
            return;
        }
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(bound(upTo + 1)), null)) {
            earliest = it.hasNext() ? timeOf(it.next().key.get()) : Long.MAX_VALUE;
        }
    }

    static byte[] key(long at, int rank, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + 1 + idBytes.length).putLong(at ^ Long.MIN_VALUE).put((byte) rank)
                .put(idBytes).array();
    }

    /** Flipping the sign bit makes big-endian byte order equal numeric order, negative times included. */
    private static byte[] bound(long at) {
        return ByteBuffer.allocate(Long.BYTES).putLong(at ^ Long.MIN_VALUE).array();
    }

    private static long timeOf(byte[] key) {
        return ByteBuffer.wrap(key, 0, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }
}
