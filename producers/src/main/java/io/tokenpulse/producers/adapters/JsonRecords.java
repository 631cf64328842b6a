package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Cuts a character stream into JSON records, whatever the layout the source wrote them in: one per line, back to
 * back without newlines, pretty-printed over many lines, as a JSON array ({@code jq -s}, SIEM exports), or inside
 * an envelope object whose named array member holds the records ({@code {"Records":[...]}} of a CloudTrail S3
 * delivery file, {@code {"Events":[...]}} of {@code aws cloudtrail lookup-events}). Each record's text is then parsed
 * on its own, so one bad record cannot take its neighbours with it.
 *
 * <p>Memory: one record's text at a time, capped at {@link InputLimits#maxRecordChars()}; an envelope or an array is
 * never held whole (its records stream), and text outside records is counted, not kept. A record over the cap is
 * skipped to its end and rejected as {@code record-too-large}; the next one is read as usual.
 *
 * <p>Recovery from broken input, so that JSON Lines lose only the bad line:
 * <ul>
 *   <li>a line that ends inside a JSON string (JSON strings cannot hold a raw newline) ends the record there as
 *   {@code truncated}; reading resumes at the next line that starts a record;</li>
 *   <li>a top-level record still open when a line starts with <code>{</code> in its first column is {@code truncated}
 *   there, and that line starts the next record (pretty-printers indent nested objects);</li>
 *   <li>text outside any record is rejected once per run as {@code not-json};</li>
 *   <li>the end of the input inside a record is {@code truncated}; a read error (a cut gzip stream, an inflate cap)
 *   ends the input with one {@code unreadable-input} or {@code inflate-limit} rejection after all records before it.</li>
 * </ul>
 */
final class JsonRecords extends ResultIterator {
    /** Maps one parsed record to its results. {@code where} names the record within its line or envelope, or is empty. */
    interface RecordMapper {
        void map(JsonNode record, long line, String where, Deque<LineResult> out);
    }

    private static final int EOF = -1;
    private static final int MAX_NAME = 64;

    /** A container whose elements are records: a top-level array, or an envelope's array member. */
    private static final class Frame {
        final String name; // null for a top-level array
        int index;

        Frame(String name) {
            this.name = name;
        }

        String where() {
            return (name == null ? "" : name) + "[" + index + "]";
        }
    }

    private enum Outcome { RECORD, ENVELOPE, TRUNCATED, READ_ERROR }

    private final Reader reader;
    private final ObjectMapper json;
    private final Set<String> envelopes;
    private final InputLimits limits;
    private final RecordMapper mapper;
    private final char[] buf = new char[1 << 14];
    private final Deque<Frame> frames = new ArrayDeque<>();
    private final StringBuilder text = new StringBuilder();
    private int pos;
    private int len;
    private long line; // counted up as each line's first character is read
    private boolean atLineStart = true;
    private int pushedBack = EOF - 1; // none
    private boolean done;
    private boolean first = true;
    private int segmentsOnLine;
    private long segmentLine = -1;

    // The state of the last scan.
    private String truncation;
    private String envelopeName;
    private boolean oversize;
    private long scanned;
    private IOException readError;

    JsonRecords(Reader reader, ObjectMapper json, Set<String> envelopes, InputLimits limits, RecordMapper mapper) {
        this.reader = reader;
        this.json = json;
        this.envelopes = envelopes;
        this.limits = limits;
        this.mapper = mapper;
    }

    @Override
    protected boolean step(Deque<LineResult> out) {
        if (done) {
            return false;
        }
        int c = nextNonSpace();
        if (c == EOF) {
            done = true;
            if (readError != null) {
                out.add(readFailure());
            } else if (!frames.isEmpty()) {
                Frame f = frames.peek();
                out.add(new LineResult.Rejected(line, "truncated: the input ends inside " + (f.name == null ? "the array" : f.name)
                        + " after " + f.index + " records; they were read", "truncated"));
            }
            return true;
        }
        Frame frame = frames.peek();
        if (frame != null) {
            if (c == ',') {
                return true;
            }
            if (c == ']') {
                frames.pop();
                if (frame.name != null) {
                    restOfEnvelope(out);
                }
                return true;
            }
        }
        long start = line;
        String where;
        if (frame != null) {
            where = frame.where();
            frame.index++;
        } else {
            if (segmentLine != start) {
                segmentLine = start;
                segmentsOnLine = 0;
            }
            segmentsOnLine++;
            where = segmentsOnLine == 1 ? "" : "object " + segmentsOnLine + " on the line";
        }
        if (c == '[' && frame == null) {
            frames.push(new Frame(null)); // a top-level array: its elements are records
            segmentsOnLine--;
            return true;
        }
        if (c == '{' || c == '[') {
            boolean detectEnvelope = c == '{' && (frame == null || frame.name == null) && !envelopes.isEmpty();
            Outcome o = scan(c, 0, true, detectEnvelope, frame == null);
            record(o, start, where, out);
            return true;
        }
        skipOther(c, frame != null, start, where, out);
        return true;
    }

    private void record(Outcome o, long start, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        switch (o) {
            case ENVELOPE -> frames.push(new Frame(envelopeName));
            case READ_ERROR -> {
                done = true;
                out.add(readFailure());
            }
            case TRUNCATED -> out.add(new LineResult.Rejected(start, p + "truncated: " + truncation, "truncated"));
            default -> {
                if (oversize) {
                    out.add(new LineResult.Rejected(start, p + "record too large: " + scanned + " characters, more than the "
                            + limits.maxRecordChars() + " allowed (--max-record-size); skipped", "record-too-large"));
                    return;
                }
                JsonNode node;
                try {
                    node = json.readTree(text.toString());
                } catch (JsonProcessingException e) {
                    out.add(new LineResult.Rejected(start, p + "not valid JSON: " + Nodes.safeMessage(e), "not-json"));
                    return;
                }
                mapper.map(node, start, where, out);
            }
        }
    }

    private LineResult.Rejected readFailure() {
        if (readError instanceof InputLimits.InflateLimitException e) {
            return new LineResult.Rejected(line, e.getMessage() + "; everything before it was read", "inflate-limit");
        }
        return unreadable(line - 1, readError);
    }

    /** The rejection that ends an input which could not be read to its end. */
    static LineResult.Rejected unreadable(long lastLine, IOException e) {
        return new LineResult.Rejected(lastLine + 1, "input unreadable after line " + lastLine + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); a truncated or corrupt gzip file?"
                + " Everything before it was read", "unreadable-input");
    }

    /** What the JSON grammar allows next inside the value being scanned. */
    private enum Expect { NAME_OR_END, NAME, COLON, VALUE, VALUE_OR_END, COMMA_OR_END }

    /**
     * Scans one value starting with {@code first} (already read) at depth 0, or, with {@code startDepth} 1, the rest of
     * an envelope object after its array. Keeps the text when {@code keep}, up to the record cap. Follows just enough of
     * the grammar to see where a record ends, which member names lead to an array (envelopes), and where a record
     * breaks off: an object or array that opens where none may (<code>{"a":1 {"next":...}</code>) starts the next record.
     */
    private Outcome scan(int first, int startDepth, boolean keep, boolean detectEnvelope, boolean topLevel) {
        text.setLength(0);
        oversize = false;
        scanned = 0;
        truncation = null;
        boolean[] isObject = new boolean[limits.maxDepth() + 1];
        int depth = startDepth;
        isObject[startDepth] = true; // the rest of an envelope is inside its object
        Expect expect = startDepth == 1 ? Expect.COMMA_OR_END : Expect.VALUE;
        boolean inString = false;
        boolean stringIsName = false;
        boolean escaped = false;
        StringBuilder name = new StringBuilder();
        String lastName = null;
        int c = first;
        while (true) {
            if (c == EOF) {
                if (readError != null) {
                    return Outcome.READ_ERROR;
                }
                truncation = "the input ends inside this record";
                done = true;
                return Outcome.TRUNCATED;
            }
            if (keep) {
                if (text.length() < limits.maxRecordChars()) {
                    text.append((char) c);
                } else {
                    oversize = true;
                }
            }
            scanned++;
            if (inString) {
                if (c == '\n') {
                    truncation = "a line ends inside a string (JSON strings cannot span lines)";
                    resync();
                    return Outcome.TRUNCATED;
                }
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                    if (stringIsName) {
                        lastName = name.toString();
                        expect = Expect.COLON;
                    } else {
                        expect = Expect.COMMA_OR_END;
                    }
                } else if (stringIsName && depth == 1 && name.length() < MAX_NAME) {
                    name.append((char) c);
                }
            } else if (c == '"') {
                inString = true;
                stringIsName = depth > 0 && isObject[depth] && (expect == Expect.NAME || expect == Expect.NAME_OR_END);
                name.setLength(0);
            } else if (c == '{' || c == '[') {
                if (expect != Expect.VALUE && expect != Expect.VALUE_OR_END) {
                    pushedBack = c;
                    truncation = "the record breaks off where another one starts on line " + line;
                    return Outcome.TRUNCATED;
                }
                if (depth == 1 && c == '[' && detectEnvelope && lastName != null && envelopes.contains(lastName)) {
                    envelopeName = lastName;
                    text.setLength(0);
                    return Outcome.ENVELOPE;
                }
                if (depth == limits.maxDepth()) {
                    truncation = "nested deeper than " + limits.maxDepth() + " levels";
                    resync();
                    return Outcome.TRUNCATED;
                }
                depth++;
                isObject[depth] = c == '{';
                expect = c == '{' ? Expect.NAME_OR_END : Expect.VALUE_OR_END;
            } else if (c == '}' || c == ']') {
                depth--;
                expect = Expect.COMMA_OR_END;
                if (depth <= 0) {
                    return Outcome.RECORD;
                }
            } else if (c == ':') {
                expect = Expect.VALUE;
            } else if (c == ',') {
                expect = depth > 0 && isObject[depth] ? Expect.NAME : Expect.VALUE;
            } else if (!Character.isWhitespace(c) && (expect == Expect.VALUE || expect == Expect.VALUE_OR_END)) {
                expect = Expect.COMMA_OR_END; // a number, true, false or null
            }
            if (inString && !escaped && !stringIsName && pushedBack == EOF - 1) {
                skipStringRun(keep);
            }
            c = read();
            if (topLevel && lastWasLineStart && c == '{' && depth > 0 && !inString) {
                // A record opens in column 0 while this one is still open: this one was cut off mid-write.
                pushedBack = c;
                truncation = "the record is still open where the next one starts on line " + line;
                return Outcome.TRUNCATED;
            }
        }
    }

    /** Whether the character last read is the first of its line. */
    private boolean lastWasLineStart;

    /**
     * Inside a string most characters need no decision: takes the run up to the next quote, backslash or newline from
     * the buffer in one step (appending it within the cap) instead of character by character.
     */
    private void skipStringRun(boolean keep) {
        int start = pos;
        int i = pos;
        while (i < len) {
            char ch = buf[i];
            if (ch == '"' || ch == '\\' || ch == '\n') {
                break;
            }
            i++;
        }
        int n = i - start;
        if (n == 0) {
            return;
        }
        if (keep) {
            int room = limits.maxRecordChars() - text.length();
            if (room >= n) {
                text.append(buf, start, n);
            } else {
                if (room > 0) {
                    text.append(buf, start, room);
                }
                oversize = true;
            }
        }
        scanned += n;
        pos = i;
        atLineStart = false;
        lastWasLineStart = false;
    }

    /** After an envelope's array: the rest of its object, skipped, though another envelope member may follow. */
    private void restOfEnvelope(Deque<LineResult> out) {
        long start = line;
        int c = read();
        Outcome o = scan(c, 1, false, true, false);
        if (o == Outcome.ENVELOPE) {
            frames.push(new Frame(envelopeName));
        } else if (o == Outcome.READ_ERROR) {
            done = true;
            out.add(readFailure());
        } else if (o == Outcome.TRUNCATED) {
            out.add(new LineResult.Rejected(start, "truncated: " + truncation, "truncated"));
        }
    }

    /** Text that is not a record: outside any record up to the next one or the end of the line, or a scalar in an array. */
    private void skipOther(int c, boolean inArray, long start, String where, Deque<LineResult> out) {
        long n = 0;
        boolean inString = false;
        boolean escaped = false;
        while (c != EOF) {
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (inArray && c == '"') {
                inString = true;
            }
            if (c == '\n' || (!inString && (c == '{' || (inArray ? c == ',' || c == ']' || c == '[' : c == '[')))) {
                pushedBack = c;
                break;
            }
            n++;
            c = read();
        }
        String p = Nodes.prefix(where);
        out.add(new LineResult.Rejected(start, inArray ? p + "not a record: a JSON value that is not an object, " + n + " characters"
                : p + "not JSON: " + n + " characters outside any object", "not-json"));
    }

    /** After a broken record: skips to the next line that starts with a record, an array or the end of one. */
    private void resync() {
        while (true) {
            int c = read();
            if (c == EOF) {
                return;
            }
            if (lastWasLineStart && (c == '{' || c == '[' || c == ']')) {
                pushedBack = c;
                return;
            }
        }
    }

    private int nextNonSpace() {
        int c;
        do {
            c = read();
        } while (c != EOF && Character.isWhitespace(c));
        return c;
    }

    /** The next character, or EOF (also after a read error, which is kept in {@link #readError}). */
    private int read() {
        if (pushedBack != EOF - 1) {
            int c = pushedBack;
            pushedBack = EOF - 1;
            return c;
        }
        if (pos == len) {
            if (readError != null) {
                return EOF;
            }
            try {
                len = reader.read(buf, 0, buf.length);
            } catch (IOException e) {
                readError = e;
                len = 0;
            }
            pos = 0;
            if (len <= 0) {
                len = 0;
                return EOF;
            }
        }
        char c = buf[pos++];
        if (first) {
            first = false;
            if (c == '\uFEFF') {
                return read();
            }
        }
        lastWasLineStart = atLineStart;
        atLineStart = c == '\n';
        if (lastWasLineStart) {
            line++;
        }
        return c;
    }
}
