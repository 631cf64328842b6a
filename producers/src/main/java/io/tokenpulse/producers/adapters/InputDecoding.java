package io.tokenpulse.producers.adapters;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Opens an input stream as UTF-8 text, decompressing it when it is gzip. */
public final class InputDecoding {
    private static final int BUFFER = 1 << 16;

    private InputDecoding() {
    }

    /**
     * A reader over {@code in}, gunzipped when the stream starts with the gzip magic bytes (1f 8b). The content
     * decides, not the file name: CloudTrail objects copied out of S3 often lose their {@code .gz}, and a file
     * named {@code .gz} that is not gzip is read as it is. Concatenated gzip members (cat a.gz b.gz) are all read.
     */
    public static Reader reader(InputStream in) throws IOException {
        return reader(in, InputLimits.DEFAULTS);
    }

    /** As {@link #reader(InputStream)}, inflating gzip no further than {@code limits} allow. */
    public static Reader reader(InputStream in, InputLimits limits) throws IOException {
        return new InputStreamReader(decompressed(in, limits), StandardCharsets.UTF_8);
    }

    /** {@code in}, gunzipped when it starts with the gzip magic bytes, within the default caps. */
    public static InputStream decompressed(InputStream in) throws IOException {
        return decompressed(in, InputLimits.DEFAULTS);
    }

    /**
     * {@code in}, gunzipped when it starts with the gzip magic bytes. The inflated stream fails with
     * {@link InputLimits.InflateLimitException} once it passes the inflated size or the inflate ratio of {@code limits}.
     */
    public static InputStream decompressed(InputStream in, InputLimits limits) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            InputLimits.Counting compressed = new InputLimits.Counting(buffered);
            GZIPInputStream gzip;
            try {
                gzip = new GZIPInputStream(compressed, BUFFER);
            } catch (EOFException | ZipException e) {
                // GZIPInputStream reads the header as it opens: a header cut short or broken fails on the first read
                // instead, where the adapters report unreadable input like any other broken gzip.
                return new Unreadable("the input starts like gzip, but its gzip header is "
                        + (e instanceof EOFException ? "cut short" : "broken (" + e.getMessage() + ")"), e);
            }
            return limits.new Capped(gzip, compressed);
        }
        return buffered;
    }

    /** A stream whose every read fails with the same reason. */
    private static final class Unreadable extends InputStream {
        private final String reason;
        private final IOException cause;

        Unreadable(String reason, IOException cause) {
            this.reason = reason;
            this.cause = cause;
        }

        @Override
        public int read() throws IOException {
            throw new IOException(reason, cause);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            throw new IOException(reason, cause);
        }
    }
}
