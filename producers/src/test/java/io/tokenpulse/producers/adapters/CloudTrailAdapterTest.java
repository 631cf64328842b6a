package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.lifecycle;
import static io.tokenpulse.producers.adapters.Results.parse;
import static io.tokenpulse.producers.adapters.Results.parseText;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static io.tokenpulse.producers.adapters.Results.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CloudTrailAdapterTest {
    private static final String MATEO = "arn:aws:iam::111122223333:user/Mateo";
    private static final String JANE = "arn:aws:iam::444455556666:user/JaneDoe";
    private static final String JANE_KEY = "AKIAI44QH8DHBEXAMPLE";
    private static final String BUILD_77 = "arn:aws:sts::444455556666:assumed-role/ci-deploy/build-77";
    private static final String IP_DROPPED = "sourceIPAddress is not an IP address (an AWS service name or garbage)";

    private final CloudTrailAdapter adapter = new CloudTrailAdapter();

    @Test
    void aDeliveryFileGivesOneUsePerKeyedRecordAndCountsTheRest() {
        List<LineResult> r = parse(adapter, "cloudtrail/delivery.json");
        assertEquals(3, r.size(), r::toString);

        TokenUsageEvent get = usage(r.get(0), 2);
        assertEquals("3f1e7a52-0001-4c3a-9a43-000000000001", get.getEventId());
        assertEquals("AKIAIOSFODNN7EXAMPLE", get.getTokenId());
        assertEquals("111122223333", get.getTenant());
        assertEquals(Instant.parse("2026-03-02T10:00:00Z"), get.getOccurredAt());
        assertEquals("s3:GetObject", get.getScope());
        assertEquals(UsageOutcome.ALLOWED, get.getOutcome());
        assertEquals(MATEO, get.getPrincipal());
        assertEquals("192.0.2.10", get.getSourceIp());
        assertEquals("us-east-2", get.getRegion());
        assertEquals("aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5", get.getUserAgent());
        assertEquals("arn:aws:s3:::reports/q1.csv", get.getResource());
        assertEquals(1, get.getCount());

        TokenUsageEvent terminate = usage(r.get(1), 25);
        assertEquals("ec2:TerminateInstances", terminate.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, terminate.getOutcome(), "Client.UnauthorizedOperation");
        assertNull(terminate.getResource());

        // Records[2] is an AWS service event without a key: ignored, not rejected.
        TokenUsageEvent put = usage(r.get(2), 64);
        assertEquals("ASIAWHOJDLGPOEXAMPLE", put.getTokenId());
        assertEquals("s3:PutObject", put.getScope());
        assertEquals("arn:aws:sts::111122223333:assumed-role/ci-deploy/deploy", put.getPrincipal());
        assertNull(put.getSourceIp(), "cloudformation.amazonaws.com is not an address");

        assertEquals(Map.of("no userIdentity.accessKeyId (userIdentity.type AWSService)", 1L), adapter.report().ignored());
        assertEquals(Map.of(IP_DROPPED, 1L), adapter.report().droppedFields());
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesWhateverTheFileIsCalled() {
        List<Object> plain = Results.events(parse(adapter, "cloudtrail/delivery.json"));
        assertEquals(plain, Results.events(parse(adapter, "cloudtrail/delivery-gzipped.json.gz")));
        assertEquals(plain, Results.events(parse(adapter, "cloudtrail/delivery-gzipped-no-extension.json")));
        assertEquals(3, plain.size());
    }

    @Test
    void aTruncatedDeliveryFileKeepsTheRecordsBeforeTheCutAndSaysWhere() {
        List<LineResult> r = parse(adapter, "cloudtrail/delivery-truncated.json");
        assertEquals(3, r.size(), r::toString);
        assertEquals("s3:GetObject", usage(r.get(0), 2).getScope());
        assertEquals("ec2:TerminateInstances", usage(r.get(1), 25).getScope());
        LineResult.Rejected cut = rejected(r.get(2), 47, "truncated");
        assertTrue(cut.reason().startsWith("Records[2]: truncated"), cut.reason());
    }

    @Test
    void aGzipStreamCutShortEndsWithOneRejectionAfterTheRecordsItHeld() throws IOException {
        byte[] whole;
        try (InputStream in = Results.fixture("cloudtrail/delivery-gzipped.json.gz")) {
            whole = in.readAllBytes();
        }
        List<Object> all = Results.events(parse(adapter, "cloudtrail/delivery.json"));
        for (int cut = 20; cut < whole.length - 8; cut += 97) {
            List<LineResult> r;
            try (Reader reader = InputDecoding.reader(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));
                 var s = adapter.parse(reader)) {
                r = s.collect(Collectors.toList());
            }
            LineResult last = r.get(r.size() - 1);
            LineResult.Rejected end = assertInstanceOf(LineResult.Rejected.class, last, "cut at " + cut + ": " + r);
            assertTrue(SetOf.of("unreadable-input", "truncated").contains(end.code()), end.toString());
            List<Object> got = Results.events(r);
            assertEquals(all.subList(0, got.size()), got, "the events before the cut are the file's first ones");
            assertEquals(r.size() - 1, got.size(), "one rejection only: " + r);
        }
    }

    @Test
    void jsonLinesGiveUsesAndKeyLifecycleAndRejectEachBadLineWithItsReason() {
        List<LineResult> r = parse(adapter, "cloudtrail/events.jsonl");
        assertEquals(23, r.size(), () -> r.stream().map(Object::toString).collect(Collectors.joining("\n")));

        // 1: JaneDoe creates a key for Bob: a use of her key, and Bob's key issued (principal unknown: not her key).
        TokenUsageEvent create = usage(r.get(0), 1);
        assertEquals(JANE_KEY, create.getTokenId());
        assertEquals("iam:CreateAccessKey", create.getScope());
        assertEquals(UsageOutcome.ALLOWED, create.getOutcome());
        assertEquals("444455556666", create.getTenant());
        TokenLifecycleEvent bob = lifecycle(r.get(1), 1);
        assertEquals("c0a8e001-0000-4000-8000-000000000001:issued", bob.getEventId());
        assertEquals("AKIAJBOBEXAMPLE00001", bob.getTokenId());
        assertEquals(LifecycleType.ISSUED, bob.getType());
        assertEquals("aws-iam", bob.getIssuer());
        assertEquals("Bob", bob.getOwner());
        assertNull(bob.getPrincipal());
        assertNull(bob.getExpiresAt(), "IAM user keys do not expire");
        assertEquals(List.of(), bob.getScopes());
        assertEquals(Instant.parse("2026-03-03T08:00:00Z"), bob.getOccurredAt());
        assertEquals(Map.of("eventName", "CreateAccessKey", "requestedBy", JANE, "userName", "Bob"), bob.getAttributes());

        // 2: her own key: its principal is her ARN, as its uses will show.
        usage(r.get(2), 2);
        TokenLifecycleEvent own = lifecycle(r.get(3), 2);
        assertEquals("AKIAJANEEXAMPLE00002", own.getTokenId());
        assertEquals(JANE, own.getPrincipal());
        assertEquals("JaneDoe", own.getOwner());

        // 3: UpdateAccessKey to Inactive revokes Bob's key.
        assertEquals("iam:UpdateAccessKey", usage(r.get(4), 3).getScope());
        TokenLifecycleEvent inactive = lifecycle(r.get(5), 3);
        assertEquals("AKIAJBOBEXAMPLE00001", inactive.getTokenId());
        assertEquals(LifecycleType.REVOKED, inactive.getType());
        assertEquals("c0a8e001-0000-4000-8000-000000000003:revoked", inactive.getEventId());
        assertEquals("UpdateAccessKey to Inactive", inactive.getReason());

        // 4 is blank. 5 is garbage.
        assertTrue(rejected(r.get(6), 5, "not-json").reason().startsWith("not JSON"));

        // 6: DeleteAccessKey revokes Jane's second key.
        usage(r.get(7), 6);
        TokenLifecycleEvent deleted = lifecycle(r.get(8), 6);
        assertEquals("AKIAJANEEXAMPLE00002", deleted.getTokenId());
        assertEquals(LifecycleType.REVOKED, deleted.getType());
        assertEquals("DeleteAccessKey", deleted.getReason());

        // 7: AssumeRole issues a temporary key expiring at credentials.expiration (STS's medium style, UTC).
        TokenUsageEvent assume = usage(r.get(9), 7);
        assertEquals("sts:AssumeRole", assume.getScope());
        assertEquals("2001:db8::42", assume.getSourceIp());
        TokenLifecycleEvent temp = lifecycle(r.get(10), 7);
        assertEquals("ASIAJEXAMPLEXEG2JICEA", temp.getTokenId());
        assertEquals(LifecycleType.ISSUED, temp.getType());
        assertEquals("aws-sts", temp.getIssuer());
        assertEquals(Instant.parse("2026-03-04T11:00:00Z"), temp.getExpiresAt());
        assertEquals(BUILD_77, temp.getPrincipal());
        assertNull(temp.getOwner());
        assertEquals("arn:aws:iam::444455556666:role/ci-deploy", temp.getAttributes().get("roleArn"));
        assertEquals("build-77", temp.getAttributes().get("roleSessionName"));

        // 8: GetSessionToken, older medium style without the comma after the year.
        usage(r.get(11), 8);
        TokenLifecycleEvent session = lifecycle(r.get(12), 8);
        assertEquals("ASIAJSESSIONEXAMPLE1", session.getTokenId());
        assertEquals(Instant.parse("2026-03-04T23:00:00Z"), session.getExpiresAt());
        assertEquals(JANE, session.getPrincipal(), "a session token acts as the user who asked for it");
        assertEquals("JaneDoe", session.getOwner());

        // 9: no eventTime. 10: a secret where the key id belongs, never repeated in the reason.
        assertEquals("eventTime is missing", rejected(r.get(13), 9, "missing-field").reason());
        LineResult.Rejected secret = rejected(r.get(14), 10, "secret-shaped-id");
        assertFalse(secret.reason().contains("wJalrXUtnFEMI"), secret.reason());
        assertTrue(secret.reason().startsWith("userIdentity.accessKeyId looks like a AWS secret access key"), secret.reason());

        // 11: AccessDenied with the temporary key; its invented region and non-address are left out, the use is kept.
        TokenUsageEvent denied = usage(r.get(15), 11);
        assertEquals("ASIAJEXAMPLEXEG2JICEA", denied.getTokenId());
        assertEquals("iam:ListUsers", denied.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, denied.getOutcome());
        assertEquals(BUILD_77, denied.getPrincipal());
        assertNull(denied.getSourceIp());
        assertNull(denied.getRegion());

        assertEquals(UsageOutcome.DENIED_EXPIRED, usage(r.get(16), 12).getOutcome());
        assertEquals(UsageOutcome.DENIED_UNKNOWN, usage(r.get(17), 13).getOutcome());

        // 14: a refused CreateAccessKey is a denied use and issues nothing.
        TokenUsageEvent refused = usage(r.get(18), 14);
        assertEquals("iam:CreateAccessKey", refused.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, refused.getOutcome());

        // 15: AssumeRoleWithWebIdentity has no caller key: only the issue.
        TokenLifecycleEvent web = lifecycle(r.get(19), 15);
        assertEquals("ASIAWEBIDENTEXAMPLE1", web.getTokenId());
        assertEquals(Instant.parse("2026-03-04T14:00:00Z"), web.getExpiresAt());
        assertEquals("arn:aws:sts::444455556666:assumed-role/web/web-1", web.getPrincipal());

        // 16: an unreadable expiration rejects the issue alone; the use still goes.
        assertEquals("sts:GetSessionToken", usage(r.get(20), 16).getScope());
        assertTrue(rejected(r.get(21), 16, "bad-time").reason().contains("'sometime tomorrow'"));

        // 17: cut off mid-line.
        rejected(r.get(22), 17, "truncated");
        assertEquals(Map.of("bad-time", 1L, "missing-field", 1L, "not-json", 1L, "secret-shaped-id", 1L, "truncated", 1L),
                Results.rejectedByCode(r));
        assertEquals(Map.of(IP_DROPPED, 1L, "awsRegion is not an AWS region name", 1L), adapter.report().droppedFields());
        assertEquals(Map.of(), adapter.report().ignored());
    }

    @Test
    void noSecretOfTheResponseReachesAnyEvent() {
        List<LineResult> r = parse(adapter, "cloudtrail/events.jsonl");
        String all = r.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + Results.events(r).stream().map(Object::toString).collect(Collectors.joining("\n"));
        assertFalse(all.contains("AQoDYXdzEPT"), "sessionToken");
        assertFalse(all.contains("encoded session token"), "sessionToken");
        assertFalse(all.contains("wJalrXUtnFEMI"), "a secret access key pasted as a key id");
        assertFalse(all.contains("sessionToken"), "not even the member name");
    }

    @Test
    void tenantOverrideReplacesTheAccount() {
        List<LineResult> r = parse(new CloudTrailAdapter("acme"), "cloudtrail/delivery.json");
        assertEquals("acme", usage(r.get(0), 2).getTenant());
    }

    @Test
    void aRecordWithoutAnAccountNeedsTenant() {
        String rec = "{\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                + "\"eventID\":\"e1\",\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}}";
        LineResult.Rejected rej = rejected(parseText(adapter, rec).get(0), 1, "missing-field");
        assertTrue(rej.reason().contains("pass --tenant"), rej.reason());
        assertEquals("t1", usage(parseText(new CloudTrailAdapter("t1"), rec).get(0), 1).getTenant());
    }

    @Test
    void aOneLineDeliveryFileInsideJsonLinesIsExpanded() {
        String rec = "{\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                + "\"eventID\":\"e%d\",\"recipientAccountId\":\"1\",\"userIdentity\":{\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}}";
        String text = String.format(rec, 1) + "\n{\"Records\":[" + String.format(rec, 2) + ",{\"eventSource\":\"s3.amazonaws.com\"}]}\n";
        List<LineResult> r = parseText(adapter, text);
        assertEquals(3, r.size(), r::toString);
        assertEquals("e1", usage(r.get(0), 1).getEventId());
        assertEquals("e2", usage(r.get(1), 2).getEventId());
        assertEquals("Records[1]: not a CloudTrail event record: eventName is missing", rejected(r.get(2), 2, "missing-field").reason());
    }

    @Test
    void backToBackDeliveryFilesAreAllRead() {
        String rec = "{\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                + "\"eventID\":\"e%d\",\"recipientAccountId\":\"1\",\"userIdentity\":{\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}}";
        String text = "{\"Records\":[" + String.format(rec, 1) + "]}{\"Records\":[" + String.format(rec, 2) + "],\"extra\":[1,{}]}";
        List<LineResult> r = parseText(adapter, text);
        assertEquals(List.of("e1", "e2"), r.stream().map(x -> usage(x, 1).getEventId()).collect(Collectors.toList()));
    }

    @Test
    void brokenJsonInADeliveryFileStopsThereAndSaysSo() {
        String rec = "{\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                + "\"eventID\":\"e1\",\"recipientAccountId\":\"1\",\"userIdentity\":{\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}}";
        List<LineResult> r = parseText(adapter, "{\"Records\":[\n" + rec + ",\n{\"eventTime\": ghp_notquoted }\n]}");
        assertEquals(2, r.size(), r::toString);
        usage(r.get(0), 2);
        LineResult.Rejected rej = rejected(r.get(1), 3, "not-json");
        assertTrue(rej.reason().startsWith("Records[1]: not valid JSON"), rej.reason());
        assertFalse(rej.reason().contains("ghp_"), "the bad token is not repeated: " + rej.reason());
    }

    private static final class SetOf {
        static java.util.Set<String> of(String... s) {
            return java.util.Set.of(s);
        }
    }
}
