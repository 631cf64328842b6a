package io.tokenpulse.producers.adapters;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The caps that keep hostile or broken input harmless: nothing read is held beyond them, so a publish never runs out
 * of memory whatever it is fed (a 2 MB gzip file that inflates to a 2 GB line, a record that never closes).
 *
 * @param maxRecordChars   the longest record kept in memory (JSON record text, or a line of a line-based format);
 *                         a longer one is skipped to its end and rejected, and the next one is read as usual
 * @param maxInflatedBytes the most bytes one gzip input may inflate to; beyond it the input ends with a rejection
 * @param maxInflateRatio  the most inflated bytes per compressed byte, judged once {@link #RATIO_FLOOR} bytes were
 *                         inflated; beyond it the input ends with a rejection (a gzip bomb)
 * @param maxDepth         the deepest nesting of objects and arrays in a record
 */
public record InputLimits(int maxRecordChars, long maxInflatedBytes, int maxInflateRatio, int maxDepth) {
    /** Inflated bytes below which the ratio is not judged: small files of repeated text compress very well. */
    public static final long RATIO_FLOOR = 1L << 20;

    /**
     * 1 Mi characters per record (CloudTrail caps an event at 256 KB; Vault entries are a few KB); 8 GiB inflated per
     * input; ratio 100 (CloudTrail, Vault and JSON logs compress 5 to 30 times; a bomb a thousand times).
     */
    public static final InputLimits DEFAULTS = new InputLimits(1 << 20, 8L << 30, 100);

    /** Nesting depth allowed in a record: CloudTrail and Vault nest a handful of levels; Jackson refuses beyond 1000. */
    public static final int MAX_DEPTH = 256;

    public InputLimits(int maxRecordChars, long maxInflatedBytes, int maxInflateRatio) {
        this(maxRecordChars, maxInflatedBytes, maxInflateRatio, MAX_DEPTH);
    }

    public InputLimits {
        if (maxRecordChars < 1 || maxInflatedBytes < 1 || maxInflateRatio < 1 || maxDepth < 2) {
            throw new IllegalArgumentException("input limits must be positive");
        }
    }

    /** The input ended because it inflated beyond a cap. Its message is safe to print. */
    public static final class InflateLimitException extends IOException {
        private static final long serialVersionUID = 1L;

        InflateLimitException(String message) {
            super(message);
        }
    }

    /** Counts the compressed bytes read from the file, so that the ratio can be judged. */
    static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            int r = super.read(b, off, n);
            if (r > 0) {
                count += r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long r = super.skip(n);
            count += Math.max(0, r);
            return r;
        }
    }

    /** The inflated side: fails with {@link InflateLimitException} once a cap is passed. */
    final class Capped extends FilterInputStream {
        private final Counting compressed;
        private long inflated;

        Capped(InputStream inflating, Counting compressed) {
            super(inflating);
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int r = read(one, 0, 1);
            return r < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
            int r = super.read(b, off, n);
            if (r > 0) {
                inflated += r;
                check();
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, n))];
            int r = read(scratch, 0, scratch.length);
            return Math.max(0, r);
        }

        private void check() throws InflateLimitException {
            if (inflated > maxInflatedBytes) {
                throw new InflateLimitException("gzip input inflates beyond " + maxInflatedBytes
                        + " bytes (--max-inflated-size); the rest of this input is not read");
            }
            if (inflated > RATIO_FLOOR && inflated > (double) maxInflateRatio * Math.max(1, compressed.count)) {
                throw new InflateLimitException("gzip input inflates more than " + maxInflateRatio + " times its compressed size ("
                        + inflated + " bytes from " + compressed.count + "; --max-inflate-ratio), a gzip bomb?"
                        + " The rest of this input is not read");
            }
        }
    }
}
