package io.tokenpulse.app.metrics;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many token tasks send watermarks: the partition count of the token input topics. The report processor waits
 * for a watermark from each before its time moves, or a task that starts first would close windows for the others.
 * Known only once the app has looked at the cluster, after the topology is built, hence a holder set before the
 * streams client starts; a TopologyTestDriver has one task.
 */
public final class WatermarkSources {
    private final AtomicInteger expected = new AtomicInteger(1);

    public void expect(int tokenPartitions) {
        if (tokenPartitions < 1) {
            throw new IllegalArgumentException("token partitions must be at least 1: " + tokenPartitions);
        }
        expected.set(tokenPartitions);
    }

    public int expected() {
        return expected.get();
    }
}
