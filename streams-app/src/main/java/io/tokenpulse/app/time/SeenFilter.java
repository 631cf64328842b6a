package io.tokenpulse.app.time;

/**
 * A Bloom filter of eventIds: "not in it" means never added, so an id it has not seen needs no store lookup; "in it"
 * may be wrong (about 1% of the time while it holds no more than its capacity), and then the store answers. It only
 * grows: {@link #full()} says when it holds so many ids that it answers "maybe" too often and should be built again.
 */
final class SeenFilter {
    private static final int BITS_PER_ID = 10;
    private static final int PROBES = 7;

    private final long[] words;
    private final long bits;
    private final long capacity;
    private long added;

    SeenFilter(long capacity) {
        this.capacity = Math.max(1_024, capacity);
        this.bits = this.capacity * BITS_PER_ID;
        this.words = new long[(int) ((bits + 63) / 64)];
    }

    long capacity() {
        return capacity;
    }

    void add(String id) {
        long h1 = fnv(id);
        long h2 = mix(h1);
        for (int i = 0; i < PROBES; i++) {
            long bit = Math.floorMod(h1 + i * h2, bits);
            words[(int) (bit >>> 6)] |= 1L << (bit & 63);
        }
        added++;
    }

    boolean mightContain(String id) {
        long h1 = fnv(id);
        long h2 = mix(h1);
        for (int i = 0; i < PROBES; i++) {
            long bit = Math.floorMod(h1 + i * h2, bits);
            if ((words[(int) (bit >>> 6)] & (1L << (bit & 63))) == 0) {
                return false;
            }
        }
        return true;
    }

    boolean full() {
        return added > capacity;
    }

    /** FNV-1a 64 over the UTF-16 code units, low byte first (no encoding to bytes per id: the filter is never stored). */
    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            h ^= c & 0xff;
            h *= 0x100000001b3L;
            h ^= c >>> 8;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A second hash from the first (the finaliser of SplitMix64), odd so the probes differ. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return (z ^ (z >>> 31)) | 1;
    }
}
