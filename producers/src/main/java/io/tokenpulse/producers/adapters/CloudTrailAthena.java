package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
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
 * positions, never a cell's value. {@link CloudTrailAthenaPages} reads the pages; {@link AthenaStruct} parses the
 * struct and array columns.
 */
final class CloudTrailAthena {
    /** The first member names of a get-query-results page (CLI and SDK dumps order members differently). */
    private static final Set<String> FIRST_MEMBERS = Set.of("ResultSet", "UpdateCount");
    private static final int PEEK = 4096;
    /** A column or struct field name as Athena writes it. */
    static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Athena's lower-case names to CloudTrail's, for columns and struct fields alike. */
    static final Map<String, String> NAMES = names(
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
            return new AthenaStruct(t, "resources".equals(column)).value();
        } catch (IllegalArgumentException e) {
            if (NEEDED.contains(column)) {
                throw new Unreadable("bad-column", "column " + column + " is not a struct or array as Athena writes one"
                        + " ({name=value, ...}, [...]): " + e.getMessage());
            }
            return NODES.textNode(cell);
        }
    }
}
