package io.tokenpulse.app.time;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * De-duplication by eventId over {@code dedupWindow} of event time: a window store keyed by eventId, retained for the
 * window, as Kafka Streams' own examples keep it. A copy within the window of the first changes nothing, however far
 * apart the two arrived. A record older than the window behind the newest one seen cannot be checked (its ids are
 * gone): it counts as new, and is late anyway.
 */
public final class EventIds {
    private final WindowStore<String, Long> store;
    private final long windowMs;
    private long newest = Long.MIN_VALUE;

    public EventIds(WindowStore<String, Long> store, long windowMs) {
        this.store = store;
        this.windowMs = windowMs;
    }

    /** True the first time {@code eventId} is seen within the window around {@code at}; remembers it. */
    public boolean firstSight(String eventId, long at) {
        long from = at - windowMs;
        try (WindowStoreIterator<Long> it = store.fetch(eventId, Math.max(0, from), at + windowMs)) {
            if (it.hasNext()) {
                return false;
            }
        }
        newest = Math.max(newest, at);
        if (at >= 0 && at > newest - windowMs) {
            store.put(eventId, at, at); // older than the retention: the store would skip it (with a warning each time)
        }
        return true;
    }
}
