package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * AWS CloudTrail logs ({@code publish --format cloudtrail}), in every shape a user has them:
 * <ul>
 *   <li>S3 delivery files, {@code {"Records":[...]}}, one or several in a row ({@code zcat *.json.gz}), streamed one
 *   record at a time;</li>
 *   <li>{@code aws cloudtrail lookup-events} output, {@code {"Events":[{"CloudTrailEvent":"<the record as a JSON
 *   string>"}, ...]}}: the string is parsed as the record;</li>
 *   <li>CloudTrail Lake {@code get-query-results} output, {@code {"QueryResultRows":[[{"eventID":"..."},
 *   {"eventTime":"..."}, ...], ...]}}: each row's one-member objects are put together into a record; a column named
 *   with dots ({@code userIdentity.accessKeyId}) lands at that path, and a value that is itself JSON text is read;</li>
 *   <li>Amazon Athena {@code get-query-results} output over a CloudTrail table, {@code {"ResultSet":{"Rows":[{"Data":
 *   [{"VarCharValue":"..."}, ...]}, ...], "ResultSetMetadata":{...}}, "UpdateCount":0}}, one page or several back to
 *   back: the header row is skipped and each row is put back into the record CloudTrail wrote
 *   ({@link CloudTrailAthena});</li>
 *   <li>event records one per line (JSON Lines), back to back, pretty-printed, or as a JSON array (Stratus Red Team,
 *   {@code jq -s}, SIEM exports).</li>
 * </ul>
 * {@link JsonRecords} cuts the input into records; gzip is detected by {@link InputDecoding}.
 *
 * <p>Records become events as {@link CloudTrailRecordMapper} says. Positions: the line a record starts on; reasons
 * name the record within its envelope or array ({@code Records[17]}).
 */
public final class CloudTrailAdapter implements InputAdapter {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<String> ENVELOPES = Set.of("Records", "Events", "QueryResultRows");

    private final String tenantOverride;
    private final InputLimits limits;
    private final ParseReport report = new ParseReport();

    /** Tenant of each record: its recipientAccountId, or else its userIdentity.accountId. */
    public CloudTrailAdapter() {
        this(null);
    }

    /** @param tenantOverride the tenant of every event, instead of the record's account; null keeps the account */
    public CloudTrailAdapter(String tenantOverride) {
        this(tenantOverride, InputLimits.DEFAULTS);
    }

    public CloudTrailAdapter(String tenantOverride, InputLimits limits) {
        this.tenantOverride = tenantOverride == null || tenantOverride.isBlank() ? null : tenantOverride;
        this.limits = limits;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        CloudTrailRecordMapper mapper = new CloudTrailRecordMapper(tenantOverride, report);
        BufferedReader in = input instanceof BufferedReader b && b.markSupported() ? b : new BufferedReader(input);
        try {
            if (CloudTrailAthena.isAthena(in)) {
                return new CloudTrailAthenaPages(in, limits, mapper).stream();
            }
        } catch (IOException e) {
            return Stream.of(JsonRecords.unreadable(0, e));
        }
        return new JsonRecords(in, JSON, ENVELOPES, limits, (node, line, where, out) -> {
            JsonNode rec = unwrap(node, line, where, out);
            if (rec != null) {
                mapper.map(rec, line, where, out);
            }
        }).stream();
    }

    /** The event record inside a lookup-events entry or a Lake row; the node itself otherwise; null after a rejection. */
    private JsonNode unwrap(JsonNode node, long line, String where, java.util.Deque<LineResult> out) {
        if (node.isObject() && node.has("CloudTrailEvent")) {
            JsonNode inner = node.get("CloudTrailEvent");
            if (!inner.isTextual()) {
                out.add(new LineResult.Rejected(line, Nodes.prefix(where) + "CloudTrailEvent is not a string holding the record", "not-json"));
                return null;
            }
            try {
                return JSON.readTree(inner.asText());
            } catch (JsonProcessingException e) {
                out.add(new LineResult.Rejected(line, Nodes.prefix(where) + "CloudTrailEvent is not valid JSON: " + Nodes.safeMessage(e), "not-json"));
                return null;
            }
        }
        if (node.isArray()) {
            return lakeRow(node);
        }
        return node;
    }

    /** A CloudTrail Lake result row: one-member objects, put together; dotted names nest, JSON text values are read. */
    private static JsonNode lakeRow(JsonNode row) {
        ObjectNode rec = JSON.createObjectNode();
        for (JsonNode cell : row) {
            if (!cell.isObject()) {
                continue;
            }
            cell.properties().forEach(f -> {
                String[] path = f.getKey().split("\\.", -1);
                ObjectNode at = rec;
                for (int i = 0; i < path.length - 1; i++) {
                    JsonNode next = at.get(path[i]);
                    at = next instanceof ObjectNode o ? o : at.putObject(path[i]);
                }
                at.set(path[path.length - 1], cellValue(f.getValue()));
            });
        }
        return rec;
    }

    private static JsonNode cellValue(JsonNode v) {
        if (v.isTextual()) {
            String t = v.asText().strip();
            if (t.startsWith("{") || t.startsWith("[")) {
                try {
                    return JSON.readTree(t);
                } catch (JsonProcessingException e) {
                    return v; // text that only looks like JSON stays text
                }
            }
        }
        return v;
    }

    @Override
    public ParseReport report() {
        return report;
    }
}
