package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * {@link CloudTrailAthena get-query-results pages}, one row at a time, through {@code mapper}. A JSON syntax error
 * or a read error ends the input with one rejection, after every row before it. Memory: one row at a time, except a
 * page whose column names come only after its rows (no header row and no earlier page): its rows wait for
 * {@code ResultSetMetadata}, at most {@value #MAX_WAITING_ROWS}.
 */
final class CloudTrailAthenaPages extends ResultIterator {
    /** Rows that may wait for a page's column names: Athena's largest page. */
    static final int MAX_WAITING_ROWS = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonParser p;
    private final JsonRecords.RecordMapper mapper;
    private boolean done;
    private int page;
    private List<String> columns; // from a header row or ResultSetMetadata; kept for the pages that follow
    private List<String> pageColumns; // this page's ResultSetMetadata, once read
    private int rowIndex;
    private final List<Waiting> waiting = new ArrayList<>();

    private record Waiting(long line, String where, JsonNode row) {
    }

    CloudTrailAthenaPages(BufferedReader in, InputLimits limits, JsonRecords.RecordMapper mapper) throws IOException {
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(limits.maxRecordChars())
                        .maxNestingDepth(limits.maxDepth())
                        .build())
                .build();
        this.p = new ObjectMapper(f).createParser(in); // with a codec: rows are read as trees
        this.mapper = mapper;
    }

    @Override
    protected boolean step(Deque<LineResult> out) {
        if (done) {
            return false;
        }
        try {
            JsonToken t = p.nextToken();
            if (t == null) {
                done = true;
                return true;
            }
            if (t != JsonToken.START_OBJECT) {
                out.add(new LineResult.Rejected(line(), "not a get-query-results page: a JSON value that is not an object", "not-json"));
                p.skipChildren();
                return true;
            }
            page(out);
        } catch (StreamConstraintsException e) {
            done = true;
            out.add(new LineResult.Rejected(line(), "Athena output beyond the limits (--max-record-size): "
                    + Nodes.safeMessage(e) + "; the rows before it were read", "record-too-large"));
        } catch (JsonProcessingException e) {
            done = true;
            boolean eof = e instanceof JsonEOFException;
            out.add(new LineResult.Rejected(line(), (eof ? "truncated: the input ends inside a get-query-results page"
                    : "not valid JSON: " + Nodes.safeMessage(e)) + "; the rows before it were read", eof ? "truncated" : "not-json"));
        } catch (IOException e) {
            done = true;
            out.add(JsonRecords.unreadable(line() - 1, e));
        }
        return true;
    }

    private long line() {
        return Math.max(1, p.currentTokenLocation().getLineNr());
    }

    /** One page, from just after its opening brace to its closing one. */
    private void page(Deque<LineResult> out) throws IOException {
        page++;
        pageColumns = null;
        waiting.clear();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("ResultSet".equals(name) && v == JsonToken.START_OBJECT) {
                resultSet(out);
            } else {
                p.skipChildren();
            }
        }
        if (!waiting.isEmpty()) {
            for (Waiting w : waiting) {
                row(w.line(), w.where(), w.row(), out);
            }
            waiting.clear();
        }
    }

    private void resultSet(Deque<LineResult> out) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("Rows".equals(name) && v == JsonToken.START_ARRAY) {
                rowIndex = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    long line = line();
                    String where = "page " + page + " ResultSet.Rows[" + rowIndex + "]";
                    JsonNode row = p.readValueAsTree();
                    if (row == null) {
                        row = NODES.nullNode();
                    }
                    arrived(line, where, row, out);
                    rowIndex++;
                }
            } else if ("ResultSetMetadata".equals(name) && v == JsonToken.START_OBJECT) {
                JsonNode meta = p.readValueAsTree();
                List<String> names = new ArrayList<>();
                JsonNode info = meta.get("ColumnInfo");
                if (info != null && info.isArray()) {
                    for (JsonNode c : info) {
                        String n = Nodes.text(c, "Name");
                        names.add(n == null ? "" : n);
                    }
                }
                if (!names.isEmpty()) {
                    pageColumns = names;
                    columns = names;
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** A row as read: the header skipped, the rest mapped now or, while no column names are known, later. */
    private void arrived(long line, String where, JsonNode row, Deque<LineResult> out) {
        List<String> cells = cells(row);
        if (rowIndex == 0 && cells != null && isHeader(cells)) {
            if (pageColumns == null) {
                columns = cells;
            }
            return;
        }
        if (pageColumns == null && columns == null) {
            if (waiting.size() < MAX_WAITING_ROWS) {
                waiting.add(new Waiting(line, where, row));
            } else {
                out.add(new LineResult.Rejected(line, where + ": no column names yet (no header row, no"
                        + " ResultSetMetadata before more than " + MAX_WAITING_ROWS + " rows)", "bad-row"));
            }
            return;
        }
        row(line, where, row, out);
    }

    /** The header row: the column names again; a data row cannot name eventsource and eventname. */
    private boolean isHeader(List<String> cells) {
        List<String> known = pageColumns != null ? pageColumns : columns;
        if (known != null) {
            return cells.size() == known.size() && java.util.stream.IntStream.range(0, cells.size())
                    .allMatch(k -> known.get(k).equalsIgnoreCase(cells.get(k)));
        }
        boolean names = cells.stream().allMatch(c -> c != null && CloudTrailAthena.NAME.matcher(c.toLowerCase(Locale.ROOT)).matches());
        return names && cells.stream().anyMatch("eventsource"::equalsIgnoreCase)
                && cells.stream().anyMatch("eventname"::equalsIgnoreCase);
    }

    private void row(long line, String where, JsonNode row, Deque<LineResult> out) {
        List<String> cells = cells(row);
        if (cells == null) {
            out.add(new LineResult.Rejected(line, where + ": not a row ({\"Data\":[{\"VarCharValue\":...}, ...]})", "bad-row"));
            return;
        }
        List<String> names = pageColumns != null ? pageColumns : columns;
        ObjectNode rec;
        try {
            rec = CloudTrailAthena.record(names, cells);
        } catch (CloudTrailAthena.Unreadable e) {
            out.add(new LineResult.Rejected(line, where + ": " + e.getMessage(), e.code));
            return;
        }
        mapper.map(rec, line, where, out);
    }

    /** The cells of a row, null for SQL NULL; null when the row is not {"Data":[...]} of cell objects. */
    private static List<String> cells(JsonNode row) {
        JsonNode data = row.isObject() ? row.get("Data") : null;
        if (data == null || !data.isArray()) {
            return null;
        }
        List<String> cells = new ArrayList<>(data.size());
        for (JsonNode c : data) {
            if (!c.isObject()) {
                return null;
            }
            JsonNode v = c.get("VarCharValue");
            cells.add(v == null || v.isNull() ? null : v.asText());
        }
        return cells;
    }
}
