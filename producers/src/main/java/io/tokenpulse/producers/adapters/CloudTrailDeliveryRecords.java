package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Deque;

/**
 * Streams the records of CloudTrail delivery files ({@code {"Records":[...]}}, one or several in a row), one
 * record in memory at a time. Members beside {@code Records} are skipped.
 */
final class CloudTrailDeliveryRecords extends ResultIterator {
    private final JsonParser parser;
    private final ObjectMapper json;
    private final JsonLineRecords.RecordMapper mapper;
    private boolean inRecords;
    private boolean done;
    private int index;
    private long line = 1;
    private String where = "";

    CloudTrailDeliveryRecords(Reader reader, ObjectMapper json, JsonLineRecords.RecordMapper mapper) {
        this.json = json;
        this.mapper = mapper;
        try {
            this.parser = json.getFactory().createParser(reader);
        } catch (IOException e) {
            // Creating a parser over a Reader reads nothing; this cannot happen short of a broken Jackson.
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean step(Deque<LineResult> out) {
        if (done) {
            return false;
        }
        try {
            if (inRecords) {
                nextRecord(out);
            } else {
                done = !nextFile(out);
            }
        } catch (StreamReadException e) {
            done = true;
            if (isEndOfInput(e)) {
                out.add(new LineResult.Rejected(line, Nodes.prefix(where) + "truncated: the input ends inside "
                        + (where.isEmpty() ? "the file" : "this record") + "; the records before it were read", "truncated"));
            } else {
                long at = e.getLocation() == null ? line : e.getLocation().getLineNr();
                out.add(new LineResult.Rejected(at, Nodes.prefix(where) + "not valid JSON (" + Nodes.safeMessage(e)
                        + "); the rest of the input cannot be read, the records before it were", "not-json"));
            }
        } catch (JsonProcessingException e) {
            done = true;
            out.add(new LineResult.Rejected(line, Nodes.prefix(where) + "not valid JSON (" + Nodes.safeMessage(e) + ")", "not-json"));
        } catch (IOException e) {
            done = true;
            out.add(JsonLineRecords.unreadable(line, e));
        }
        return true;
    }

    /** Jackson reports a cut-off document sometimes as JsonEOFException, sometimes (through databind) only by its message. */
    private static boolean isEndOfInput(StreamReadException e) {
        return e instanceof JsonEOFException || String.valueOf(e.getOriginalMessage()).contains("end-of-input");
    }

    /** Moves to the next file's Records array; false at the end of the input. */
    private boolean nextFile(Deque<LineResult> out) throws IOException {
        JsonToken t = parser.nextToken();
        if (t == null) {
            return false;
        }
        line = parser.currentTokenLocation().getLineNr();
        where = "";
        if (t != JsonToken.START_OBJECT) {
            out.add(new LineResult.Rejected(line, "not a CloudTrail delivery file: a top-level " + t.asString()
                    + " where {\"Records\":[...]} belongs; the rest of the input is not read", "not-json"));
            done = true;
            return true;
        }
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            t = parser.nextToken();
            if ("Records".equals(name) && t == JsonToken.START_ARRAY) {
                inRecords = true;
                index = 0;
                return true;
            }
            parser.skipChildren();
        }
        return true; // an object without Records: nothing in it to read
    }

    private void nextRecord(Deque<LineResult> out) throws IOException {
        where = "Records[" + index + "]"; // named before reading, so that a truncation names the record it cut
        JsonToken t = parser.nextToken();
        if (t == JsonToken.END_ARRAY) {
            inRecords = false;
            where = "";
            // The rest of this file's object: skip whatever follows Records.
            while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                parser.nextToken();
                parser.skipChildren();
            }
            return;
        }
        if (t == null) {
            throw new JsonEOFException(parser, null, "end of input inside Records");
        }
        line = parser.currentTokenLocation().getLineNr();
        index++;
        JsonNode rec = json.readTree(parser);
        mapper.map(rec, line, where, out);
        where = "";
    }
}
