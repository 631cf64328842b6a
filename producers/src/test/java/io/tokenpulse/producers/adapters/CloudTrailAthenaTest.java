package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.lifecycle;
import static io.tokenpulse.producers.adapters.Results.parse;
import static io.tokenpulse.producers.adapters.Results.parseText;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static io.tokenpulse.producers.adapters.Results.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Amazon Athena get-query-results output over the CloudTrail table AWS documents, read by {@code --format cloudtrail}. */
class CloudTrailAthenaTest {
    private static final String MATEO = "arn:aws:iam::111122223333:user/Mateo";
    private static final String JANE = "arn:aws:iam::444455556666:user/JaneDoe";
    private static final String BUILD_77 = "arn:aws:sts::444455556666:assumed-role/ci-deploy/build-77";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CloudTrailAdapter adapter = new CloudTrailAdapter();

    @Test
    void twoPagesBackToBackGiveEveryRowsEventsAndSkipTheHeaderRow() {
        List<LineResult> r = parse(adapter, "cloudtrail/athena-get-query-results.json");
        assertEquals(6, r.size(), () -> r.stream().map(Object::toString).collect(Collectors.joining("\n")));

        // Page 1, Rows[0] (line 4) is the header: no result. Rows[1]: an IAM user's key reads an S3 object.
        TokenUsageEvent get = usage(r.get(0), 95);
        assertEquals("a7e10001-0000-4000-8000-000000000001", get.getEventId());
        assertEquals("AKIAIOSFODNN7EXAMPLE", get.getTokenId());
        assertEquals("111122223333", get.getTenant());
        assertEquals(Instant.parse("2026-03-02T10:00:00Z"), get.getOccurredAt());
        assertEquals("s3:GetObject", get.getScope());
        assertEquals(UsageOutcome.ALLOWED, get.getOutcome());
        assertEquals(MATEO, get.getPrincipal());
        assertEquals("192.0.2.10", get.getSourceIp());
        assertEquals("us-east-2", get.getRegion());
        assertEquals("[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5]", get.getUserAgent());
        assertEquals("arn:aws:s3:::reports/q1.csv", get.getResource(), "resources[0].arn, rendered as a struct array");
        assertEquals(1, get.getCount());

        // Rows[2]: an assumed-role session's key.
        TokenUsageEvent lambda = usage(r.get(1), 164);
        assertEquals("ASIAWHOJDLGPOEXAMPLE", lambda.getTokenId());
        assertEquals("lambda:UpdateFunctionCode20150331v2", lambda.getScope());
        assertEquals(BUILD_77, lambda.getPrincipal());
        assertEquals("444455556666", lambda.getTenant());
        assertEquals("eu-west-1", lambda.getRegion());
        assertNull(lambda.getResource(), "resources is NULL");

        // Rows[3]: JaneDoe creates a key for Bob: a use of hers, and Bob's key issued from the responseelements JSON text.
        TokenUsageEvent create = usage(r.get(2), 231);
        assertEquals("AKIAI44QH8DHBEXAMPLE", create.getTokenId());
        assertEquals("iam:CreateAccessKey", create.getScope());
        TokenLifecycleEvent bob = lifecycle(r.get(3), 231);
        assertEquals("a7e10001-0000-4000-8000-000000000003:issued", bob.getEventId());
        assertEquals("AKIAJBOBEXAMPLE00001", bob.getTokenId());
        assertEquals(LifecycleType.ISSUED, bob.getType());
        assertEquals("aws-iam", bob.getIssuer());
        assertEquals("Bob", bob.getOwner());
        assertNull(bob.getPrincipal(), "a key for another user: its ARN is not in the record");
        assertNull(bob.getExpiresAt());
        assertEquals(Instant.parse("2026-03-03T08:00:00Z"), bob.getOccurredAt());
        assertEquals(Map.of("eventName", "CreateAccessKey", "requestedBy", JANE, "userName", "Bob"), bob.getAttributes());

        // Page 2 (UpdateCount first, no header row): Rows[0] is denied.
        TokenUsageEvent denied = usage(r.get(4), 659);
        assertEquals("AKIAIOSFODNN7EXAMPLE", denied.getTokenId());
        assertEquals("iam:ListUsers", denied.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, denied.getOutcome(), "errorcode AccessDenied");

        // Rows[1]: useridentity is cut off: rejected, and its value is not repeated.
        LineResult.Rejected broken = rejected(r.get(5), 726, "bad-column");
        assertTrue(broken.reason().startsWith("page 2 ResultSet.Rows[1]: column useridentity is not a struct"), broken.reason());
        assertFalse(broken.reason().contains("AKIA"), broken.reason());
        assertFalse(broken.reason().contains("Mateo"), broken.reason());

        // Rows[2]: an AWS service's call, without a key: ignored, as in every other CloudTrail shape.
        assertEquals(Map.of("no userIdentity.accessKeyId (userIdentity.type AWSService)", 1L), adapter.report().ignored());
        assertEquals(Map.of(), adapter.report().droppedFields());
    }

    @Test
    void aRowBecomesTheRecordCloudTrailWroteWithStructsAndJsonTextParsed() throws Exception {
        List<String> cols = List.of("eventversion", "useridentity", "eventtime", "sourceipaddress", "requestparameters",
                "responseelements", "requestid", "eventid", "resources", "recipientaccountid", "tlsdetails", "errorcode");
        List<String> cells = Arrays.asList("1.10",
                "{type=AssumedRole, principalid=AROAIDPPEZS35WEXAMPLE:build-77, arn=" + BUILD_77 + ", accountid=444455556666,"
                        + " invokedby=null, accesskeyid=ASIAWHOJDLGPOEXAMPLE, username=null, onbehalfof=null,"
                        + " sessioncontext={attributes={mfaauthenticated=false, creationdate=2026-03-02T09:45:12Z},"
                        + " sessionissuer={type=Role, principalid=AROAIDPPEZS35WEXAMPLE, arn=arn:aws:iam::444455556666:role/ci-deploy,"
                        + " accountid=444455556666, username=ci-deploy}, ec2roledelivery=null,"
                        + " webidfederationdata={federatedprovider=null, attributes={}}}}",
                "2026-03-02T10:05:00Z", "198.51.100.7", "{\"userName\":\"Bob\"}", "{\"accessKey\":{\"accessKeyId\":\"AKIAJBOBEXAMPLE00001\"}}",
                "req-1", "evt-1",
                "[{arn=arn:aws:s3:::reports/q1.csv, accountid=null, type=AWS::S3::Object}, {arn=arn:aws:s3:::reports,"
                        + " accountid=111122223333, type=AWS::S3::Bucket}]",
                "444455556666", "{tlsversion=TLSv1.3, ciphersuite=TLS_AES_128_GCM_SHA256, clientprovidedhostheader=iam.amazonaws.com}",
                null);
        ObjectNode rec = CloudTrailAthena.record(cols, cells);
        JsonNode expected = JSON.readTree("""
                {"eventVersion":"1.10",
                 "userIdentity":{"type":"AssumedRole","principalId":"AROAIDPPEZS35WEXAMPLE:build-77",
                   "arn":"arn:aws:sts::444455556666:assumed-role/ci-deploy/build-77","accountId":"444455556666",
                   "accessKeyId":"ASIAWHOJDLGPOEXAMPLE",
                   "sessionContext":{"attributes":{"mfaAuthenticated":"false","creationDate":"2026-03-02T09:45:12Z"},
                     "sessionIssuer":{"type":"Role","principalId":"AROAIDPPEZS35WEXAMPLE",
                       "arn":"arn:aws:iam::444455556666:role/ci-deploy","accountId":"444455556666","userName":"ci-deploy"},
                     "webIdFederationData":{"attributes":{}}}},
                 "eventTime":"2026-03-02T10:05:00Z","sourceIPAddress":"198.51.100.7",
                 "requestParameters":{"userName":"Bob"},"responseElements":{"accessKey":{"accessKeyId":"AKIAJBOBEXAMPLE00001"}},
                 "requestID":"req-1","eventID":"evt-1",
                 "resources":[{"ARN":"arn:aws:s3:::reports/q1.csv","type":"AWS::S3::Object"},
                              {"ARN":"arn:aws:s3:::reports","accountId":"111122223333","type":"AWS::S3::Bucket"}],
                 "recipientAccountId":"444455556666",
                 "tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"iam.amazonaws.com"}}
                """);
        assertEquals(expected, rec);
    }

    @Test
    void structValuesMayHoldWhatIamNamesAllowAndBrokenOnesAreRejectedByColumn() throws Exception {
        // IAM user names allow "+=,.@_-": a value runs to the ", name=" of the next field.
        ObjectNode rec = CloudTrailAthena.record(List.of("useridentity"),
                List.of("{type=IAMUser, arn=arn:aws:iam::111122223333:user/a=b,c, username=a=b,c, accesskeyid=AKIAIOSFODNN7EXAMPLE}"));
        assertEquals("a=b,c", rec.at("/userIdentity/userName").asText());
        assertEquals("arn:aws:iam::111122223333:user/a=b,c", rec.at("/userIdentity/arn").asText());
        assertEquals("AKIAIOSFODNN7EXAMPLE", rec.at("/userIdentity/accessKeyId").asText());

        for (String broken : List.of("{type=IAMUser, accesskeyid=AKIAIOSFODNN7EXAMPLE", "{type=IAMUser} trailing", "{=x}",
                "{type}", "[{arn=x}")) {
            CloudTrailAthena.Unreadable e = assertThrows(CloudTrailAthena.Unreadable.class,
                    () -> CloudTrailAthena.record(List.of("useridentity"), List.of(broken)), broken);
            assertEquals("bad-column", e.code);
            assertFalse(e.getMessage().contains("AKIA"), e.getMessage());
        }
        CloudTrailAthena.Unreadable json = assertThrows(CloudTrailAthena.Unreadable.class,
                () -> CloudTrailAthena.record(List.of("responseelements"), List.of("{\"accessKey\":{\"accessKeyId\":\"AKIA")));
        assertEquals("bad-column", json.code);
        assertTrue(json.getMessage().startsWith("column responseelements is not valid JSON text"), json.getMessage());
        // A column the mapper does not read stays text when it does not parse.
        assertEquals("{not a struct", CloudTrailAthena.record(List.of("addendum"), List.of("{not a struct")).get("addendum").asText());
        CloudTrailAthena.Unreadable count = assertThrows(CloudTrailAthena.Unreadable.class,
                () -> CloudTrailAthena.record(List.of("eventid", "eventname"), List.of("x")));
        assertEquals("bad-row", count.code);
    }

    private static final List<String> COLS = List.of("eventversion", "useridentity", "eventtime", "eventsource", "eventname",
            "awsregion", "errorcode", "requestparameters", "responseelements", "eventid", "recipientaccountid");

    private static List<String> use(String eventId, String keyId) {
        return Arrays.asList("1.10", "{type=IAMUser, arn=" + MATEO + ", accountid=111122223333, accesskeyid=" + keyId
                + ", username=Mateo}", "2026-03-02T10:00:00Z", "s3.amazonaws.com", "GetObject", "us-east-2", null, null, null,
                eventId, "111122223333");
    }

    /** A get-query-results page: {"ResultSet":{"Rows":[...], "ResultSetMetadata"?}, "UpdateCount":0}. */
    private static String page(List<String> cols, List<List<String>> rows, boolean header, boolean metadata) {
        ObjectNode page = JSON.createObjectNode();
        ObjectNode rs = page.putObject("ResultSet");
        ArrayNode out = rs.putArray("Rows");
        List<List<String>> all = new ArrayList<>();
        if (header) {
            all.add(cols);
        }
        all.addAll(rows);
        for (List<String> row : all) {
            ArrayNode data = out.addObject().putArray("Data");
            for (String cell : row) {
                ObjectNode c = data.addObject();
                if (cell != null) {
                    c.put("VarCharValue", cell);
                }
            }
        }
        if (metadata) {
            ArrayNode info = rs.putObject("ResultSetMetadata").putArray("ColumnInfo");
            cols.forEach(c -> info.addObject().put("Name", c).put("Type", "varchar"));
        }
        page.put("UpdateCount", 0);
        return page.toString();
    }

    @Test
    void withoutAHeaderRowTheRowsWaitForTheColumnNamesOfTheirPage() {
        String text = page(COLS, List.of(use("e1", "AKIAIOSFODNN7EXAMPLE"), use("e2", "AKIAI44QH8DHBEXAMPLE")), false, true);
        List<LineResult> r = parseText(adapter, text);
        assertEquals(List.of("e1", "e2"), Results.events(r).stream().map(e -> ((TokenUsageEvent) e).getEventId()).toList(), r::toString);
    }

    @Test
    void aHeaderRowWithoutMetadataNamesTheColumnsAndIsNotARecord() {
        String text = page(COLS, List.of(use("e1", "AKIAIOSFODNN7EXAMPLE")), true, false);
        List<LineResult> r = parseText(adapter, text);
        assertEquals(1, r.size(), r::toString);
        assertEquals("AKIAIOSFODNN7EXAMPLE", usage(r.get(0), 1).getTokenId());
        assertEquals(Map.of(), adapter.report().ignored());
    }

    @Test
    void aRowOfTheWrongShapeIsRejectedAndItsNeighboursGoThrough() {
        List<String> short_ = List.of("1.10", "{type=IAMUser}");
        String text = page(COLS, List.of(use("e1", "AKIAIOSFODNN7EXAMPLE"), short_, use("e3", "AKIAI44QH8DHBEXAMPLE")), true, true)
                .replace("{\"Data\":[{\"VarCharValue\":\"1.10\"},{\"VarCharValue\":\"{type=IAMUser}\"}]}", "{\"Data\":[{\"VarCharValue\":\"1.10\"},{\"VarCharValue\":\"{type=IAMUser}\"}]},\"not a row\"");
        List<LineResult> r = parseText(adapter, text);
        assertEquals(4, r.size(), r::toString);
        assertEquals("e1", usage(r.get(0), 1).getEventId());
        LineResult.Rejected cells = rejected(r.get(1), 1, "bad-row");
        assertEquals("page 1 ResultSet.Rows[2]: the row has 2 cells for 11 columns", cells.reason());
        LineResult.Rejected notRow = rejected(r.get(2), 1, "bad-row");
        assertTrue(notRow.reason().startsWith("page 1 ResultSet.Rows[3]: not a row"), notRow.reason());
        assertEquals("e3", usage(r.get(3), 1).getEventId());
    }

    @Test
    void aTruncatedPageKeepsTheRowsBeforeTheCut() {
        String whole = page(COLS, List.of(use("e1", "AKIAIOSFODNN7EXAMPLE"), use("e2", "AKIAI44QH8DHBEXAMPLE")), true, true);
        String cut = whole.substring(0, whole.indexOf("e2") - 5);
        List<LineResult> r = parseText(adapter, cut);
        assertEquals(2, r.size(), r::toString);
        assertEquals("e1", usage(r.get(0), 1).getEventId());
        LineResult.Rejected end = rejected(r.get(1), 1, "truncated");
        assertTrue(end.reason().contains("the rows before it were read"), end.reason());
    }

    @Test
    void anAssumeRoleRowIssuesTheSessionKeyAndNoSecretReachesAnyResult() {
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
        String token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENxyz";
        List<String> row = Arrays.asList("1.10", "{type=IAMUser, arn=" + MATEO + ", accountid=111122223333,"
                        + " accesskeyid=AKIAIOSFODNN7EXAMPLE, username=Mateo}", "2026-03-02T10:00:00Z", "sts.amazonaws.com",
                "AssumeRole", "us-east-1", null,
                "{\"roleArn\":\"arn:aws:iam::111122223333:role/ci-deploy\",\"roleSessionName\":\"build-78\"}",
                "{\"credentials\":{\"accessKeyId\":\"ASIAEXAMPLESESSION78\",\"secretAccessKey\":\"" + secret + "\",\"sessionToken\":\""
                        + token + "\",\"expiration\":\"Mar 2, 2026, 11:00:00 AM\"},\"assumedRoleUser\":{\"assumedRoleId\":"
                        + "\"AROAEXAMPLE:build-78\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/ci-deploy/build-78\"}}",
                "e-sts", "111122223333");
        List<LineResult> r = parseText(adapter, page(COLS, List.of(row), true, true));
        assertEquals(2, r.size(), r::toString);
        assertEquals("sts:AssumeRole", usage(r.get(0), 1).getScope());
        TokenLifecycleEvent issued = lifecycle(r.get(1), 1);
        assertEquals("ASIAEXAMPLESESSION78", issued.getTokenId());
        assertEquals("aws-sts", issued.getIssuer());
        assertEquals(Instant.parse("2026-03-02T11:00:00Z"), issued.getExpiresAt());
        assertEquals("arn:aws:sts::111122223333:assumed-role/ci-deploy/build-78", issued.getPrincipal());
        String all = r.toString() + Results.events(r);
        assertFalse(all.contains(secret), "the secret access key");
        assertFalse(all.contains(token), "the session token");
    }

    @Test
    void otherShapesAreStillReadAsBefore() {
        // An S3 delivery file whose first member is Records is not taken for Athena output.
        assertEquals(3, Results.events(parse(adapter, "cloudtrail/delivery.json")).size());
    }
}
