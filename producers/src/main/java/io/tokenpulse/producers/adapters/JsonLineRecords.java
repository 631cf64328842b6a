package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Deque;
import java.util.List;

/**
 * Line-oriented JSON records: each line holds one object, or several back to back. Garbage, an object cut off
 * at the end of its line and unparseable JSON are rejected with their line number; the records around them go
 * through. A read error (a truncated gzip stream) ends the input with one rejection instead of an exception,
 * after everything read before it has been delivered.
 */
final class JsonLineRecords extends ResultIterator {
    /** Maps one parsed object to its results. {@code where} names the object within its line, or is empty. */
    interface RecordMapper {
        void map(JsonNode record, long line, String where, Deque<LineResult> out);
    }

    private static final char BOM = '\uFEFF';

    private final BufferedReader reader;
    private final ObjectMapper json;
    private final RecordMapper mapper;
    private long lineNumber;
    private boolean failed;

    JsonLineRecords(BufferedReader reader, ObjectMapper json, RecordMapper mapper) {
        this.reader = reader;
        this.json = json;
        this.mapper = mapper;
    }

    @Override
    protected boolean step(Deque<LineResult> out) {
        if (failed) {
            return false;
        }
        String line;
        try {
            line = reader.readLine();
        } catch (IOException e) {
            failed = true;
            out.add(unreadable(lineNumber, e));
            return true;
        }
        if (line == null) {
            return false;
        }
        lineNumber++;
        if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BOM) {
            line = line.substring(1);
        }
        List<JsonObjectSplitter.Segment> segments = JsonObjectSplitter.split(line);
        for (int i = 0; i < segments.size(); i++) {
            String where = segments.size() == 1 ? "" : "object " + (i + 1) + " on the line";
            segment(segments.get(i), where, out);
        }
        return true;
    }

    private void segment(JsonObjectSplitter.Segment s, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        switch (s.kind()) {
            case GARBAGE -> out.add(new LineResult.Rejected(lineNumber,
                    p + "not JSON: " + s.text().length() + " characters outside any object", "not-json"));
            case TRUNCATED -> out.add(new LineResult.Rejected(lineNumber,
                    p + "truncated: the object is still open at the end of the line", "truncated"));
            default -> {
                JsonNode node;
                try {
                    node = json.readTree(s.text());
                } catch (JsonProcessingException e) {
                    out.add(new LineResult.Rejected(lineNumber, p + "not valid JSON: " + Nodes.safeMessage(e), "not-json"));
                    return;
                }
                mapper.map(node, lineNumber, where, out);
            }
        }
    }

    /** The rejection that ends an input which could not be read to its end. */
    static LineResult.Rejected unreadable(long lastLine, IOException e) {
        return new LineResult.Rejected(lastLine + 1, "input unreadable after line " + lastLine + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); a truncated or corrupt gzip file?"
                + " Everything before it was read", "unreadable-input");
    }
}
