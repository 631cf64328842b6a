package io.tokenpulse.app.time;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * De-duplication by eventId over {@code dedupWindow} of event time: a window store keyed by eventId, retained for the
 * window, as Kafka Streams' own examples keep it. A copy within the window of the first changes nothing, however far
 * apart the two arrived. A record older than the window behind the newest one seen cannot be checked (its ids are
 * gone): it counts as new, and is late anyway.
 *
 * <p>Nearly every id is new, and a window fetch opens a RocksDB iterator per segment the window spans (a fifth of the
 * intake's time in issue 11's profile). A {@link SeenFilter} of every id the store holds answers "never seen" from
 * memory; only a "maybe" asks the store. It is built from the store when the task starts (what a restore brought back
 * included) and again, from the store, whenever it has taken in more ids than it was sized for.
 */
public final class EventIds {
    /** Ids the first filter is sized for; a rebuilt one holds twice what the store held then. */
    private static final long INITIAL_CAPACITY = 1L << 20;

    private final WindowStore<String, Long> store;
    private final long windowMs;
    private long newest = Long.MIN_VALUE;
    private SeenFilter seen;

    public EventIds(WindowStore<String, Long> store, long windowMs) {
        this.store = store;
        this.windowMs = windowMs;
        this.seen = build(store, INITIAL_CAPACITY);
    }

    /** True the first time {@code eventId} is seen within the window around {@code at}; remembers it. */
    public boolean firstSight(String eventId, long at) {
        if (seen.mightContain(eventId)) {
            long from = at - windowMs;
            try (WindowStoreIterator<Long> it = store.fetch(eventId, Math.max(0, from), at + windowMs)) {
                if (it.hasNext()) {
                    return false;
                }
            }
        }
        newest = Math.max(newest, at);
        if (at >= 0 && at > newest - windowMs) {
            store.put(eventId, at, at); // older than the retention: the store would skip it (with a warning each time)
            seen.add(eventId);
            if (seen.full()) {
                seen = build(store, seen.capacity());
            }
        }
        return true;
    }

    /** A filter of every id in the store, with room for at least {@code capacity} and twice what the store holds. */
    private static SeenFilter build(WindowStore<String, Long> store, long capacity) {
        long held = 0;
        try (KeyValueIterator<Windowed<String>, Long> it = store.all()) {
            for (; it.hasNext(); it.next()) {
                held++;
            }
        }
        SeenFilter filter = new SeenFilter(Math.max(capacity, 2 * held));
        try (KeyValueIterator<Windowed<String>, Long> it = store.all()) {
            while (it.hasNext()) {
                filter.add(it.next().key.key());
            }
        }
        return filter;
    }
}
