package io.tokenpulse.producers.adapters;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like {@link java.io.BufferedReader#readLine()}, but never holds more than {@code max} characters of
 * one: a longer line is read to its end without being kept, and reported by its length. A 2 GB line costs time,
 * not memory. Line ends: \n, \r\n and \r.
 */
final class BoundedLines {
    /** One line: its text, or (when {@code tooLong}) only its length. */
    record Line(String text, long length, boolean tooLong) {
    }

    private final Reader reader;
    private final int max;
    private final char[] buf = new char[1 << 14];
    private final StringBuilder line = new StringBuilder();
    private int pos;
    private int len;
    private boolean skipLf;

    BoundedLines(Reader reader, int max) {
        this.reader = reader;
        this.max = max;
    }

    /** The next line, or null at the end of the input. */
    Line next() throws IOException {
        line.setLength(0);
        long length = 0;
        boolean any = false;
        while (true) {
            if (pos == len) {
                len = reader.read(buf, 0, buf.length);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return any ? done(length) : null;
                }
            }
            char c = buf[pos++];
            if (skipLf) {
                skipLf = false;
                if (c == '\n') {
                    continue;
                }
            }
            any = true;
            if (c == '\n' || c == '\r') {
                skipLf = c == '\r';
                return done(length);
            }
            length++;
            if (line.length() < max) {
                line.append(c);
            }
        }
    }

    private Line done(long length) {
        return length > max ? new Line(null, length, true) : new Line(line.toString(), length, false);
    }
}
