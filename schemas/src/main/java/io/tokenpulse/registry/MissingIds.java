package io.tokenpulse.registry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Schema ids the registry said it does not know, each with the answer, for a while: bounded (the oldest entry goes
 * first) and expiring (an id registered since is found once the entry expires).
 */
final class MissingIds {
    private record Entry(RegistryException failure, long until) {
    }

    private final long ttlNanos;
    private final int capacity;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<Integer, Entry> entries;

    MissingIds(Duration ttl, int capacity, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.capacity = capacity;
        this.nanoClock = nanoClock;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Entry> eldest) {
                return size() > MissingIds.this.capacity;
            }
        };
    }

    synchronized RegistryException get(int id) {
        Entry e = entries.get(id);
        if (e == null) {
            return null;
        }
        if (nanoClock.getAsLong() - e.until() >= 0) {
            entries.remove(id);
            return null;
        }
        return e.failure();
    }

    synchronized void put(int id, RegistryException failure) {
        if (ttlNanos > 0 && capacity > 0) {
            entries.put(id, new Entry(failure, nanoClock.getAsLong() + ttlNanos));
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
