package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.parseText;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static io.tokenpulse.producers.adapters.Results.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One set of records in every layout a source writes them in gives the same events. */
class InputShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REC = "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-03-02T10:00:0%dZ\",\"eventSource\":\"s3.amazonaws.com\","
            + "\"eventName\":\"GetObject\",\"eventID\":\"e%d\",\"recipientAccountId\":\"111122223333\","
            + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/Mateo\",\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"},"
            + "\"resources\":[{\"ARN\":\"arn:aws:s3:::b/k%d\"}],\"requestParameters\":{\"note\":\"a } and a { in a string\"}}";

    private static List<String> records() {
        return List.of(String.format(REC, 1, 1, 1), String.format(REC, 2, 2, 2), String.format(REC, 3, 3, 3));
    }

    private static List<Object> events(String text) {
        List<LineResult> r = parseText(new CloudTrailAdapter(), text);
        assertEquals(List.of(), r.stream().filter(x -> x instanceof LineResult.Rejected).collect(Collectors.toList()));
        return Results.events(r);
    }

    private static String pretty(String json) throws Exception {
        return JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(JSON.readTree(json));
    }

    @Test
    void cloudTrailInEveryLayoutGivesTheSameEvents() throws Exception {
        List<String> recs = records();
        List<Object> expected = events(String.join("\n", recs));
        assertEquals(3, expected.size());

        assertEquals(expected, events(String.join("", recs)), "back to back");
        assertEquals(expected, events(String.join("\r\n", recs) + "\r\n"), "CRLF lines");
        StringBuilder prettyText = new StringBuilder();
        for (String r : recs) {
            prettyText.append(pretty(r)).append('\n');
        }
        assertEquals(expected, events(prettyText.toString()), "pretty-printed, one after another");
        String array = "[" + String.join(",", recs) + "]";
        assertEquals(expected, events(array), "a JSON array");
        assertEquals(expected, events(pretty(array)), "a pretty-printed JSON array (Stratus Red Team, jq -s)");
        assertEquals(expected, events("{\"Records\":[" + String.join(",", recs) + "]}"), "an S3 delivery file");
        assertEquals(expected, events(pretty("{\"Records\":[" + String.join(",", recs) + "]}")), "a pretty-printed delivery file");
        assertEquals(expected, events("[{\"Records\":[" + recs.get(0) + "]},{\"Records\":[" + recs.get(1) + "," + recs.get(2) + "]}]"),
                "jq -s of delivery files: an array of envelopes");

        ArrayNode lookup = JSON.createArrayNode();
        for (String r : recs) {
            ObjectNode e = lookup.addObject();
            e.put("EventId", "x");
            e.put("EventName", "GetObject");
            e.put("CloudTrailEvent", r);
        }
        assertEquals(expected, events(pretty("{\"Events\":" + lookup + ",\"NextToken\":\"abc\"}")), "aws cloudtrail lookup-events");

        // CloudTrail Lake get-query-results: status first, then rows of one-member objects; nested columns dotted or as JSON text.
        StringBuilder rows = new StringBuilder("{\"QueryStatus\":\"FINISHED\",\"QueryStatistics\":{\"ResultsCount\":3},\"QueryResultRows\":[");
        for (int i = 1; i <= 3; i++) {
            rows.append(i > 1 ? "," : "").append("[{\"eventVersion\":\"1.08\"},{\"eventTime\":\"2026-03-02T10:00:0").append(i).append("Z\"},")
                    .append("{\"eventSource\":\"s3.amazonaws.com\"},{\"eventName\":\"GetObject\"},{\"eventID\":\"e").append(i).append("\"},")
                    .append("{\"recipientAccountId\":\"111122223333\"},{\"userIdentity.type\":\"IAMUser\"},")
                    .append("{\"userIdentity.arn\":\"arn:aws:iam::111122223333:user/Mateo\"},{\"userIdentity.accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"},")
                    .append("{\"resources\":\"[{\\\"ARN\\\":\\\"arn:aws:s3:::b/k").append(i).append("\\\"}]\"}]");
        }
        rows.append("],\"NextToken\":\"n\"}");
        assertEquals(expected, events(rows.toString()), "CloudTrail Lake query results");
    }

    @Test
    void positionsNameTheLineARecordStartsOnAndItsPlaceInTheEnvelope() throws Exception {
        String text = pretty("{\"Records\":[" + String.join(",", records()) + ",{\"eventSource\":\"s3.amazonaws.com\"}]}");
        List<LineResult> r = parseText(new CloudTrailAdapter(), text);
        assertEquals(4, r.size(), r::toString);
        assertEquals(2, ((LineResult.Accepted) r.get(0)).lineNumber(), "line 1 is {, line 2 \"Records\" : [ {");
        LineResult.Rejected last = rejected(r.get(3), ((LineResult.Rejected) r.get(3)).lineNumber(), "missing-field");
        assertEquals("Records[3]: not a CloudTrail event record: eventName is missing", last.reason());
    }

    @Test
    void aPrettyPrintedRecordCutOffLosesOnlyItself() throws Exception {
        List<String> recs = records();
        String cut = pretty(recs.get(1));
        cut = cut.substring(0, cut.indexOf("\"userIdentity\""));
        String text = pretty(recs.get(0)) + "\n" + cut + pretty(recs.get(2)) + "\n";
        List<LineResult> r = parseText(new CloudTrailAdapter(), text);
        assertEquals(3, r.size(), r::toString);
        assertEquals("e1", usage(r.get(0), 1).getEventId());
        LineResult.Rejected t = (LineResult.Rejected) r.get(1);
        assertEquals("truncated", t.code());
        assertEquals("e3", ((io.tokenpulse.avro.TokenUsageEvent) ((LineResult.Accepted) r.get(2)).event().value()).getEventId());
    }

    @Test
    void aLineCutInsideAStringLosesOnlyThatLine() {
        List<String> recs = records();
        String text = recs.get(0) + "\n" + recs.get(1).substring(0, 60) + "\n" + recs.get(2) + "\n";
        List<LineResult> r = parseText(new CloudTrailAdapter(), text);
        assertEquals(3, r.size(), r::toString);
        assertEquals("truncated: a line ends inside a string (JSON strings cannot span lines)", rejected(r.get(1), 2, "truncated").reason());
        assertEquals("e3", usage(r.get(2), 3).getEventId());
    }

    @Test
    void scalarsInAnArrayAreRejectedAndTheRecordsAroundThemKept() {
        List<String> recs = records();
        List<LineResult> r = parseText(new CloudTrailAdapter(), "[" + recs.get(0) + ", 42, \"x,]\", " + recs.get(1) + "]");
        assertEquals(4, r.size(), r::toString);
        assertEquals("[1]: not a record: a JSON value that is not an object, 2 characters", rejected(r.get(1), 1, "not-json").reason());
        assertEquals("[2]: not a record: a JSON value that is not an object, 5 characters", rejected(r.get(2), 1, "not-json").reason());
        assertEquals("e2", usage(r.get(3), 1).getEventId());
    }

    @Test
    void anArrayOrEnvelopeCutShortSaysHowManyRecordsWereRead() {
        List<String> recs = records();
        List<LineResult> r = parseText(new CloudTrailAdapter(), "{\"Records\":[" + recs.get(0) + "," + recs.get(1));
        assertEquals(3, r.size(), r::toString);
        assertEquals("truncated: the input ends inside Records after 2 records; they were read", rejected(r.get(2), 1, "truncated").reason());
    }

    @Test
    void vaultEntriesPrettyPrintedOrInAnArrayAreRead() throws Exception {
        String a = "{\"time\":\"2026-03-05T09:00:00Z\",\"type\":\"request\",\"auth\":{\"accessor\":\"acc-1\",\"policies\":[\"default\"]},"
                + "\"request\":{\"id\":\"r%d\",\"operation\":\"read\",\"path\":\"kv/x\"}}";
        String pretty = pretty(String.format(a, 1)) + "\n" + pretty(String.format(a, 2)) + "\n";
        List<LineResult> r = parseText(new VaultAuditAdapter(), pretty);
        assertEquals(List.of("r1", "r2"), r.stream().map(x -> usage(x, ((LineResult.Accepted) x).lineNumber()).getEventId()).collect(Collectors.toList()));
        assertEquals(1, ((LineResult.Accepted) r.get(0)).lineNumber());
        assertEquals(pretty(String.format(a, 1)).split("\n").length + 1, ((LineResult.Accepted) r.get(1)).lineNumber());
        List<LineResult> arr = parseText(new VaultAuditAdapter(), "[" + String.format(a, 1) + "," + String.format(a, 2) + "]");
        assertEquals(Results.events(r), Results.events(arr));
        assertEquals(Map.of(), Results.rejectedByCode(arr));
    }
}
