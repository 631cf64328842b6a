package io.tokenpulse.producers.adapters;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one line into its top-level JSON objects. Log writers do not always end an entry with a newline (Vault's
 * file device after a crash, concatenated CloudTrail objects), so a line may hold several objects back to back;
 * a crash mid-write leaves an object that never closes. Scanning braces outside strings finds the boundaries
 * without parsing; each object is then parsed on its own, so one bad object cannot take its neighbours with it.
 *
 * <p>Limited to one line on purpose: JSON strings cannot hold a raw newline, so an object still open at the end
 * of the line is truncated, and the next line starts clean instead of being swallowed into it.
 */
final class JsonObjectSplitter {
    enum Kind { OBJECT, TRUNCATED, GARBAGE }

    /** A piece of the line: a complete object's text, an object cut off at the end of the line, or non-JSON text. */
    record Segment(Kind kind, String text) {
    }

    private JsonObjectSplitter() {
    }

    static List<Segment> split(String line) {
        List<Segment> out = new ArrayList<>(1);
        int n = line.length();
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '{') {
                int end = endOfObject(line, i);
                if (end < 0) {
                    out.add(new Segment(Kind.TRUNCATED, line.substring(i)));
                    return out;
                }
                out.add(new Segment(Kind.OBJECT, line.substring(i, end)));
                i = end;
            } else {
                int next = line.indexOf('{', i);
                int end = next < 0 ? n : next;
                out.add(new Segment(Kind.GARBAGE, line.substring(i, end).strip()));
                i = end;
            }
        }
        return out;
    }

    /** The index just past the '}' that closes the object opening at {@code start}, or -1 when the line ends first. */
    private static int endOfObject(String line, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++; // the escaped character cannot end the string
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }
}
