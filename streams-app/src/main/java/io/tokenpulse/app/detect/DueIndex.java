package io.tokenpulse.app.detect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deadlines by due time: the key is the big-endian due time followed by the tokenId, so the store's
 * byte order is due-time order and "what is due by t" is one range scan whose cost is the number of
 * entries due, not the number of tokens.
 */
public final class DueIndex {
    private static final byte[] EMPTY = new byte[0];
    private final KeyValueStore<Bytes, byte[]> store;
    /**
     * No entry is due before this (as far as this object knows; it starts knowing nothing): learnt from the entry
     * after the last scan, lowered by every put. Event time moves by a millisecond or so per record judged, and most of
     * those moves reach no deadline: they skip the scan (an iterator opened and closed in RocksDB per record).
     */
    private long noneBefore = Long.MIN_VALUE;

    public DueIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public record Due(long at, String tokenId) {
    }

    /** The store's own order of entries: due time, then the tokenId's UTF-8 bytes. */
    public static final Comparator<Due> ORDER = Comparator.comparingLong((Due d) -> clamp(d.at()))
            .thenComparing((a, b) -> Arrays.compareUnsigned(a.tokenId().getBytes(StandardCharsets.UTF_8),
                    b.tokenId().getBytes(StandardCharsets.UTF_8)));

    public void put(long at, String tokenId) {
        noneBefore = Math.min(noneBefore, clamp(at));
        store.put(key(at, tokenId), EMPTY);
    }

    public void remove(long at, String tokenId) {
        store.delete(key(at, tokenId));
    }

    /** Up to {@code max} entries due at or before {@code upTo}, earliest first. */
    public List<Due> dueBy(long upTo, int max) {
        return dueBetween(0L, upTo, max);
    }

    /**
     * Up to {@code max} entries due in [{@code from}, {@code upTo}], earliest first; the caller knows that nothing is
     * due before {@code from}. Starting at the time already fired matters: RocksDB keeps the deleted entries of fired
     * deadlines as tombstones until compaction, and a scan from 0 would walk all of them on every advance of event time.
     */
    public List<Due> dueBetween(long from, long upTo, int max) {
        if (clamp(upTo) < noneBefore) {
            return List.of();
        }
        List<Due> due = new ArrayList<>();
        // Open-ended, to see the first entry after upTo as well: with nothing before from, the earliest entry seen is
        // the earliest there is.
        long after = Long.MAX_VALUE;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(bound(from), null)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> next = it.next();
                byte[] k = next.key.get();
                long at = ByteBuffer.wrap(k, 0, Long.BYTES).getLong();
                if (at > upTo || due.size() >= max) {
                    after = at;
                    break;
                }
                due.add(new Due(at, new String(k, Long.BYTES, k.length - Long.BYTES, StandardCharsets.UTF_8)));
            }
        }
        noneBefore = due.isEmpty() ? after : due.get(0).at();
        return due;
    }

    static Bytes key(long at, String tokenId) {
        byte[] id = tokenId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(clamp(at)).put(id).array());
    }

    /** The smallest key with this due time. */
    private static Bytes bound(long at) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(clamp(at)).array());
    }

    /** Big-endian order equals numeric order only for non-negative times; pre-1970 deadlines are due at once. */
    private static long clamp(long at) {
        return Math.max(0L, at);
    }
}
