package io.tokenpulse.app.metrics;

import io.tokenpulse.avro.state.DurationSummary;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllLongsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.LongsSortedView;

/**
 * Durations of one report window: an exact count and sum (for the mean) and a summary of the values (for p50 and
 * p95) that depends on the <em>set</em> of values only, never on the order they came in. Reports must be the same
 * whichever token task's facts reach the report processor first, so a randomised or order-dependent sketch (KLL,
 * which this replaced, compacts by coin flips once it holds more than its k values) will not do.
 *
 * <ul>
 *   <li>Up to {@link #EXACT} values the summary is the sorted values themselves: exact nearest-rank percentiles.</li>
 *   <li>Beyond that it is a histogram of logarithmic buckets, each {@link #GAMMA} times as wide as the one before, plus
 *       the exact minimum and maximum: a percentile is the middle of its bucket (kept within min and max), so it is
 *       within about 0.5% of the exact one, and the summary holds at most a bucket per 1% of range (about 2,400
 *       buckets from a millisecond to a year, a few KB), however many values it sees.</li>
 * </ul>
 * Summaries written by earlier builds (KLL bytes) are read and carried over: the values they retained, with their
 * weights.
 */
public final class Durations {
    /** Values kept exactly before the summary turns into buckets (the k of the KLL sketch it replaced). */
    public static final int EXACT = 200;
    /** Each bucket's upper bound over its lower bound. */
    static final double GAMMA = 1.01;
    /** StrictMath, not Math: the same bucket and the same middle on every JVM and CPU, or instances would disagree. */
    private static final double LOG_GAMMA = StrictMath.log(GAMMA);
    /** First byte of this format; a KLL sketch's first byte (its preamble length) is 1, 2 or 5. */
    private static final byte MAGIC = 0x7E;
    private static final byte MODE_EXACT = 0;
    private static final byte MODE_BUCKETS = 1;

    private Durations() {
    }

    /** {@code summary} with {@code valueMs} added; {@code summary} may be null (nothing yet). */
    public static DurationSummary add(DurationSummary summary, long valueMs) {
        Values values = Values.read(summary);
        values.add(valueMs);
        long count = summary == null ? 1 : summary.getCount() + 1;
        long sum = summary == null ? valueMs : summary.getSumMs() + valueMs;
        return DurationSummary.newBuilder().setCount(count).setSumMs(sum).setSketch(ByteBuffer.wrap(values.bytes())).build();
    }

    public static Double mean(DurationSummary summary) {
        return summary == null || summary.getCount() == 0 ? null : (double) summary.getSumMs() / summary.getCount();
    }

    /**
     * The nearest-rank quantile: the smallest value with at least {@code rank}·n values at or below it. Of 1, 2, 3, 4
     * the median is 2 and p95 is 4. Null when there are no values.
     */
    public static Long quantile(DurationSummary summary, double rank) {
        if (summary == null || summary.getCount() == 0) {
            return null;
        }
        return Values.read(summary).quantile(rank);
    }

    /** The values of one summary, exact or bucketed; a function of the multiset of values added. */
    private static final class Values {
        /** Sorted, while there are at most {@link #EXACT}; null once bucketed. */
        private long[] exact;
        private int n;
        /** Bucket index to count, once bucketed (values at or below zero go to {@link #nonPositive}). */
        private TreeMap<Integer, Long> buckets;
        private long nonPositive;
        private long min;
        private long max;

        static Values read(DurationSummary summary) {
            Values v = new Values();
            v.exact = new long[8];
            if (summary == null) {
                return v;
            }
            ByteBuffer b = summary.getSketch().duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            if (bytes.length > 0 && bytes[0] == MAGIC) {
                v.decode(ByteBuffer.wrap(bytes, 1, bytes.length - 1));
            } else {
                v.fromKll(KllLongsSketch.heapify(Memory.wrap(bytes)));
            }
            return v;
        }

        private void fromKll(KllLongsSketch kll) {
            if (kll.isEmpty()) {
                return;
            }
            LongsSortedView view = kll.getSortedView();
            long[] quantiles = view.getQuantiles();
            long[] cumulative = view.getCumulativeWeights();
            long before = 0;
            for (int i = 0; i < quantiles.length; i++) {
                addTimes(quantiles[i], cumulative[i] - before);
                before = cumulative[i];
            }
        }

        void add(long value) {
            addTimes(value, 1);
        }

        private void addTimes(long value, long times) {
            if (exact != null && n + times <= EXACT) {
                for (long t = 0; t < times; t++) {
                    if (n == exact.length) {
                        exact = Arrays.copyOf(exact, Math.min(EXACT, n * 2));
                    }
                    int at = n;
                    while (at > 0 && exact[at - 1] > value) {
                        exact[at] = exact[at - 1];
                        at--;
                    }
                    exact[at] = value;
                    n++;
                }
                return;
            }
            if (exact != null) {
                toBuckets();
            }
            count(value, times);
        }

        private void toBuckets() {
            long[] values = Arrays.copyOf(exact, n);
            exact = null;
            buckets = new TreeMap<>();
            nonPositive = 0;
            min = Long.MAX_VALUE;
            max = Long.MIN_VALUE;
            for (long v : values) {
                count(v, 1);
            }
        }

        private void count(long value, long times) {
            min = Math.min(min, value);
            max = Math.max(max, value);
            if (value <= 0) {
                nonPositive += times;
            } else {
                buckets.merge(bucket(value), times, Long::sum);
            }
        }

        private static int bucket(long value) {
            return (int) StrictMath.floor(StrictMath.log((double) value) / LOG_GAMMA);
        }

        Long quantile(double rank) {
            if (exact != null) {
                if (n == 0) {
                    return null;
                }
                int index = (int) Math.max(0, Math.min(n - 1, Math.ceil(rank * n) - 1));
                return exact[index];
            }
            long total = nonPositive;
            for (long c : buckets.values()) {
                total += c;
            }
            long wanted = Math.max(1, (long) Math.ceil(rank * total));
            if (wanted <= nonPositive) {
                return Math.max(min, Math.min(0L, max)); // values at or below zero are not told apart: 0, or max if all are below
            }
            long seen = nonPositive;
            for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
                seen += e.getValue();
                if (seen >= wanted) {
                    long middle = Math.round(StrictMath.pow(GAMMA, e.getKey() + 0.5));
                    return Math.max(min, Math.min(max, middle));
                }
            }
            return max;
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(MAGIC);
            if (exact != null) {
                out.write(MODE_EXACT);
                writeVarLong(out, n);
                long previous = 0;
                for (int i = 0; i < n; i++) {
                    writeVarLong(out, zigzag(exact[i] - previous));
                    previous = exact[i];
                }
            } else {
                out.write(MODE_BUCKETS);
                writeVarLong(out, zigzag(min));
                writeVarLong(out, zigzag(max));
                writeVarLong(out, nonPositive);
                writeVarLong(out, buckets.size());
                int previous = 0;
                for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
                    writeVarLong(out, zigzag((long) e.getKey() - previous));
                    writeVarLong(out, e.getValue());
                    previous = e.getKey();
                }
            }
            return out.toByteArray();
        }

        private void decode(ByteBuffer in) {
            byte mode = in.get();
            if (mode == MODE_EXACT) {
                int count = (int) readVarLong(in);
                exact = new long[Math.max(8, count)];
                long previous = 0;
                for (int i = 0; i < count; i++) {
                    previous += unzigzag(readVarLong(in));
                    exact[i] = previous;
                }
                n = count;
            } else if (mode == MODE_BUCKETS) {
                exact = null;
                buckets = new TreeMap<>();
                min = unzigzag(readVarLong(in));
                max = unzigzag(readVarLong(in));
                nonPositive = readVarLong(in);
                long size = readVarLong(in);
                int index = 0;
                for (long i = 0; i < size; i++) {
                    index += (int) unzigzag(readVarLong(in));
                    buckets.put(index, readVarLong(in));
                }
            } else {
                throw new IllegalStateException("unknown duration summary mode " + mode);
            }
        }

        private static long zigzag(long v) {
            return (v << 1) ^ (v >> 63);
        }

        private static long unzigzag(long v) {
            return (v >>> 1) ^ -(v & 1);
        }

        private static void writeVarLong(ByteArrayOutputStream out, long v) {
            long value = v;
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        private static long readVarLong(ByteBuffer in) {
            long value = 0;
            int shift = 0;
            byte b;
            do {
                b = in.get();
                value |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return value;
        }
    }
}
