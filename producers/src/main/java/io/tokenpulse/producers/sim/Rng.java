package io.tokenpulse.producers.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic randomness. Each token-day gets a generator of its own, derived from the seed and the
 * coordinates, so a day's events never depend on how many random numbers an earlier day or another token drew.
 */
final class Rng {
    private final SplittableRandom random;

    Rng(long... coordinates) {
        long h = 0x9E3779B97F4A7C15L;
        for (long c : coordinates) {
            h = mix(h ^ c) + 0x632BE59BD9B4E019L;
        }
        this.random = new SplittableRandom(mix(h));
    }

    /** MurmurHash3's 64-bit finalizer: neighbouring coordinates give unrelated seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Uniform in [from, to]; {@code from} when the range is empty. */
    long between(long from, long to) {
        return to <= from ? from : from + random.nextLong(to - from + 1);
    }

    /** Uniform in [from, to], truncated to whole seconds: lifecycle events sit on whole seconds, uses never do. */
    long secondBetween(long from, long to) {
        long t = between(from, to);
        return t - Math.floorMod(t, 1000L);
    }

    double nextDouble() {
        return random.nextDouble();
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
