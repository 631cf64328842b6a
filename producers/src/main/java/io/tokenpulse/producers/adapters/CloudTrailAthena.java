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
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Amazon Athena query output over a CloudTrail table, as {@code aws athena get-query-results} prints it:
 * {@code {"ResultSet":{"Rows":[{"Data":[{"VarCharValue":"..."}, {}, ...]}, ...],
 * "ResultSetMetadata":{"ColumnInfo":[{"Name":"eventversion", ...}, ...]}}, "UpdateCount":0, "NextToken":"..."}},
 * one page or several back to back (a loop over {@code --starting-token}). The first row of a query's first page
 * repeats the column names and is skipped; a cell without {@code VarCharValue} is SQL NULL.
 *
 * <p>Columns are those of the table AWS documents for CloudTrail in Athena ({@code CREATE EXTERNAL TABLE
 * cloudtrail_logs (eventversion STRING, useridentity STRUCT<type, principalid, arn, accountid, invokedby, accesskeyid,
 * username, onbehalfof, sessioncontext STRUCT<attributes STRUCT<mfaauthenticated, creationdate>, sessionissuer, ...>>,
 * eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent, errorcode, errormessage, requestparameters
 * STRING, responseelements STRING, additionaleventdata STRING, requestid, eventid, resources ARRAY<STRUCT<arn,
 * accountid, type>>, eventtype, apiversion, readonly, recipientaccountid, ...)}). Each row becomes the record
 * CloudTrail itself writes, so {@link CloudTrailRecordMapper} maps it by the same rules: lower-case names become
 * CloudTrail's camelCase ones ({@code sourceipaddress} to {@code sourceIPAddress}, {@code eventid} to
 * {@code eventID}), the JSON text columns are parsed, and struct and array columns, which Athena renders as
 * {@code {type=IAMUser, principalid=AIDA..., sessioncontext={attributes={...}, ...}}} and {@code [{arn=..., ...}]},
 * are parsed back into objects and arrays ({@code null} there is SQL NULL).
 *
 * <p>A row that cannot be read (not a row of cells, more or fewer cells than columns, a struct or JSON text the
 * mapper reads that does not parse) is rejected with its reason; the rows around it go on. Reasons name columns and
 * positions, never a cell's value. Memory: one row at a time, except a page whose column names come only after its
 * rows (no header row and no earlier page): its rows wait for {@code ResultSetMetadata}, at most
 * {@value #MAX_WAITING_ROWS} (Athena's largest page).
 */
final class CloudTrailAthena {
    static final int MAX_WAITING_ROWS = 1000;

    /** The first member names of a get-query-results page (CLI and SDK dumps order members differently). */
    private static final Set<String> FIRST_MEMBERS = Set.of("ResultSet", "UpdateCount");
    private static final int PEEK = 4096;
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Athena's lower-case names to CloudTrail's, for columns and struct fields alike. */
    private static final Map<String, String> NAMES = names(
            "eventVersion", "userIdentity", "type", "principalId", "arn", "accountId", "invokedBy", "accessKeyId",
            "userName", "onBehalfOf", "userId", "identityStoreArn", "sessionContext", "attributes", "mfaAuthenticated",
            "creationDate", "sessionIssuer", "ec2RoleDelivery", "webIdFederationData", "federatedProvider",
            "sourceIdentity", "assumedRoot", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
            "userAgent", "errorCode", "errorMessage", "requestParameters", "responseElements", "additionalEventData",
            "requestID", "eventID", "resources", "eventType", "apiVersion", "readOnly", "recipientAccountId",
            "serviceEventDetails", "sharedEventID", "vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "addendum",
            "reason", "updatedFields", "originalRequestID", "originalEventID", "sessionCredentialFromConsole",
            "edgeDeviceDetails", "tlsDetails", "tlsVersion", "cipherSuite", "clientProvidedHostHeader", "managementEvent",
            "insightDetails");
    /** Columns the table holds as JSON text. */
    private static final Set<String> JSON_TEXT = Set.of("requestparameters", "responseelements", "additionaleventdata",
            "serviceeventdetails", "edgedevicedetails");
    /** The table's struct and array columns, which Athena renders as {name=value, ...} and [...]. */
    private static final Set<String> STRUCTS = Set.of("useridentity", "resources", "addendum", "tlsdetails");
    /** Columns the mapper reads beyond plain text: one that does not parse makes its row unreadable. */
    private static final Set<String> NEEDED = Set.of("useridentity", "requestparameters", "responseelements", "resources");

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CloudTrailAthena() {
    }

    private static Map<String, String> names(String... camel) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String c : camel) {
            m.put(c.toLowerCase(Locale.ROOT), c);
        }
        return Map.copyOf(m);
    }

    /**
     * Whether the input starts as a get-query-results page: an object whose first member is {@code ResultSet} or
     * {@code UpdateCount}. Looks at most {@value #PEEK} characters ahead and leaves the reader where it was.
     */
    static boolean isAthena(BufferedReader in) throws IOException {
        in.mark(PEEK);
        char[] head = new char[PEEK];
        int n = 0;
        int r;
        while (n < PEEK && (r = in.read(head, n, PEEK - n)) > 0) {
            n += r;
        }
        in.reset();
        int i = 0;
        while (i < n && (Character.isWhitespace(head[i]) || head[i] == '\uFEFF')) {
            i++;
        }
        if (i >= n || head[i] != '{') {
            return false;
        }
        i++;
        while (i < n && Character.isWhitespace(head[i])) {
            i++;
        }
        if (i >= n || head[i] != '"') {
            return false;
        }
        int end = i + 1;
        while (end < n && head[end] != '"') {
            end++;
        }
        return end < n && FIRST_MEMBERS.contains(new String(head, i + 1, end - i - 1));
    }

    /** A row that cannot become a record; the reason names no value. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        final String code;

        Unreadable(String code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }
    }

    /** The CloudTrail record of one row, by column names (Athena's, any case); a null cell is left out. */
    static ObjectNode record(List<String> columns, List<String> cells) throws Unreadable {
        if (cells.size() != columns.size()) {
            throw new Unreadable("bad-row", "the row has " + cells.size() + " cells for " + columns.size() + " columns");
        }
        ObjectNode rec = NODES.objectNode();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i).toLowerCase(Locale.ROOT);
            String cell = cells.get(i);
            if (cell == null) {
                continue;
            }
            JsonNode value = cell(column, cell);
            if (value != null && !value.isNull()) {
                rec.set(NAMES.getOrDefault(column, column), value);
            }
        }
        return rec;
    }

    private static JsonNode cell(String column, String cell) throws Unreadable {
        String t = cell.strip();
        boolean json = JSON_TEXT.contains(column) || (!STRUCTS.contains(column) && t.startsWith("{\""));
        if (json && (t.startsWith("{") || t.startsWith("["))) {
            try {
                return JSON.readTree(t);
            } catch (JsonProcessingException e) {
                if (NEEDED.contains(column)) {
                    throw new Unreadable("bad-column", "column " + column + " is not valid JSON text: " + Nodes.safeMessage(e));
                }
                return NODES.textNode(cell);
            }
        }
        // Only the table's struct and array columns: a text column may itself start with a bracket (S3's
        // "[aws-cli/2.15.0 ...]" user agents).
        if (!STRUCTS.contains(column) || !(t.startsWith("{") || t.startsWith("["))) {
            return NODES.textNode(cell);
        }
        try {
            return new Struct(t, "resources".equals(column)).value();
        } catch (IllegalArgumentException e) {
            if (NEEDED.contains(column)) {
                throw new Unreadable("bad-column", "column " + column + " is not a struct or array as Athena writes one"
                        + " ({name=value, ...}, [...]): " + e.getMessage());
            }
            return NODES.textNode(cell);
        }
    }

    /**
     * Athena's text rendering of ROW, ARRAY and MAP values: {@code {name=value, name={...}, list=[a, b]}}, with
     * {@code null} for SQL NULL. A plain value runs to the {@code , name=} that starts the next field or to the closing
     * bracket; IAM names may hold {@code =} and {@code ,} but no space or bracket. Messages give positions, not text.
     */
    private static final class Struct {
        private final String s;
        private final boolean inResources;
        private int i;

        Struct(String s, boolean inResources) {
            this.s = s;
            this.inResources = inResources;
        }

        JsonNode value() {
            JsonNode v = nested(0);
            skipSpaces();
            if (i != s.length()) {
                throw new IllegalArgumentException("unexpected text at character " + (i + 1) + " of " + s.length());
            }
            return v;
        }

        /** A struct or an array at {@code i}. */
        private JsonNode nested(int depth) {
            if (depth > 32) {
                throw new IllegalArgumentException("nested deeper than 32 levels");
            }
            char open = s.charAt(i);
            i++;
            if (open == '{') {
                ObjectNode o = NODES.objectNode();
                skipSpaces();
                if (peek() == '}') {
                    i++;
                    return o;
                }
                while (true) {
                    int eq = s.indexOf('=', i);
                    if (eq < 0) {
                        throw new IllegalArgumentException("a field without '=' at character " + (i + 1));
                    }
                    String name = s.substring(i, eq).strip();
                    if (name.isEmpty() || name.chars().anyMatch(c -> c == ',' || c == '{' || c == '}' || c == '[' || c == ']')) {
                        throw new IllegalArgumentException("a field without a name at character " + (i + 1));
                    }
                    i = eq + 1;
                    JsonNode v = element(depth, '}');
                    if (v != null) {
                        String key = name.toLowerCase(Locale.ROOT);
                        o.set(inResources && depth == 1 && key.equals("arn") ? "ARN" : NAMES.getOrDefault(key, name), v);
                    }
                    if (closes('}')) {
                        return o;
                    }
                }
            }
            ArrayNode a = NODES.arrayNode();
            skipSpaces();
            if (peek() == ']') {
                i++;
                return a;
            }
            while (true) {
                JsonNode v = element(depth, ']');
                a.add(v == null ? NODES.nullNode() : v);
                if (closes(']')) {
                    return a;
                }
            }
        }

        /** After an element: true at the closing bracket (consumed), false at a comma (consumed). */
        private boolean closes(char close) {
            skipSpaces();
            char c = peek();
            i++;
            if (c == close) {
                return true;
            }
            if (c == ',') {
                skipSpaces();
                return false;
            }
            throw new IllegalArgumentException(i > s.length() ? "ends before its closing '" + close + "'"
                    : "expected ',' or '" + close + "' at character " + i);
        }

        /** A value inside a struct or array: nested, or plain text up to where the next field or the end starts. */
        private JsonNode element(int depth, char close) {
            skipSpaces();
            char c = peek();
            if (c == '{' || c == '[') {
                return nested(depth + 1);
            }
            int start = i;
            while (i < s.length()) {
                char ch = s.charAt(i);
                if (ch == close || ch == '{' || ch == '[' || ch == ']' || ch == '}') {
                    break;
                }
                if (ch == ',' && (close == ']' || nextIsField(i + 1))) {
                    break;
                }
                i++;
            }
            if (i >= s.length()) {
                throw new IllegalArgumentException("ends before its closing '" + close + "'");
            }
            String text = s.substring(start, i).strip();
            return text.equals("null") ? null : NODES.textNode(text);
        }

        /** Whether {@code name=} follows at {@code from} (after spaces): the next field of a struct. */
        private boolean nextIsField(int from) {
            int j = from;
            while (j < s.length() && s.charAt(j) == ' ') {
                j++;
            }
            int eq = s.indexOf('=', j);
            return eq > j && NAME.matcher(s.substring(j, eq).toLowerCase(Locale.ROOT)).matches();
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skipSpaces() {
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }
    }

    /**
     * get-query-results pages, one row at a time, through {@code mapper}. A JSON syntax error or a read error ends
     * the input with one rejection, after every row before it.
     */
    static final class Pages extends ResultIterator {
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

        Pages(BufferedReader in, InputLimits limits, JsonRecords.RecordMapper mapper) throws IOException {
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
            boolean names = cells.stream().allMatch(c -> c != null && NAME.matcher(c.toLowerCase(Locale.ROOT)).matches());
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
                rec = record(names, cells);
            } catch (Unreadable e) {
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
}
