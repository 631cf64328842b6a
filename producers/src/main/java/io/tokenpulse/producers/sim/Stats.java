package io.tokenpulse.producers.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Count, mean and nearest-rank percentiles of a list of durations in milliseconds. */
public record Stats(int n, Double mean, Long p50, Long p95) {
    public static Stats of(List<Long> values) {
        if (values.isEmpty()) {
            return new Stats(0, null, null, null);
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new Stats(sorted.size(), sum / sorted.size(), rank(sorted, 0.50), rank(sorted, 0.95));
    }

    /** Nearest rank: the smallest value with at least {@code q} of the values at or below it. */
    static long rank(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
