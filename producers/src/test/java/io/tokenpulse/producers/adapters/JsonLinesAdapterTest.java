package io.tokenpulse.producers.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.schemas.TopicDef;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JsonLinesAdapterTest {
    private static final Instant T = Instant.parse("2026-01-02T09:00:00Z");
    private final JsonLinesAdapter adapter = new JsonLinesAdapter();

    private List<LineResult> parse(String text) {
        try (var s = adapter.parse(new StringReader(text))) {
            return s.collect(Collectors.toList());
        }
    }

    private LineResult one(String line) {
        List<LineResult> all = parse(line);
        assertEquals(1, all.size(), "results of " + line);
        return all.get(0);
    }

    private CanonicalEvent accepted(String line) {
        LineResult r = one(line);
        if (r instanceof LineResult.Rejected rej) {
            throw new AssertionError("rejected: " + rej);
        }
        return ((LineResult.Accepted) r).event();
    }

    private String rejected(String line) {
        return assertInstanceOf(LineResult.Rejected.class, one(line)).reason();
    }

    // ---- every kind, ISO and epoch timestamps ----

    @Test
    void usageWithIsoTimestampAndEveryField() {
        CanonicalEvent e = accepted("""
                {"kind":"usage","eventId":"u-1","tokenId":"tok-1","tenant":"acme","occurredAt":"2026-01-02T09:00:00Z",\
                "principal":"billing","serviceVersion":"1.4.0","scope":"repo:write","resource":"r","outcome":"DENIED_SCOPE",\
                "sourceIp":"10.0.0.1","userAgent":"curl/8","region":"eu","count":7}""");
        assertEquals(TopicDef.USAGE, e.topic());
        assertEquals("tok-1", e.key());
        TokenUsageEvent u = assertInstanceOf(TokenUsageEvent.class, e.value());
        assertEquals("u-1", u.getEventId());
        assertEquals("acme", u.getTenant());
        assertEquals(T, u.getOccurredAt());
        assertEquals("billing", u.getPrincipal());
        assertEquals("1.4.0", u.getServiceVersion());
        assertEquals("repo:write", u.getScope());
        assertEquals("r", u.getResource());
        assertEquals(UsageOutcome.DENIED_SCOPE, u.getOutcome());
        assertEquals("10.0.0.1", u.getSourceIp());
        assertEquals("curl/8", u.getUserAgent());
        assertEquals("eu", u.getRegion());
        assertEquals(7, u.getCount());
    }

    @Test
    void usageWithEpochMillisDefaultsCountToOne() {
        TokenUsageEvent u = (TokenUsageEvent) accepted("""
                {"kind":"usage","eventId":"u-1","tokenId":"tok-1","tenant":"acme","occurredAt":%d,"scope":"s","outcome":"ALLOWED"}"""
                .formatted(T.toEpochMilli())).value();
        assertEquals(T, u.getOccurredAt());
        assertEquals(1, u.getCount());
        assertNull(u.getPrincipal());
    }

    @Test
    void epochMillisAsStringAndOffsetsAreAccepted() {
        TokenUsageEvent a = (TokenUsageEvent) accepted("""
                {"kind":"usage","eventId":"u","tokenId":"t","tenant":"x","occurredAt":"%d","scope":"s","outcome":"ALLOWED"}"""
                .formatted(T.toEpochMilli())).value();
        assertEquals(T, a.getOccurredAt());
        TokenUsageEvent b = (TokenUsageEvent) accepted("""
                {"kind":"usage","eventId":"u","tokenId":"t","tenant":"x","occurredAt":"2026-01-02T11:00:00+02:00","scope":"s","outcome":"ALLOWED"}""").value();
        assertEquals(T, b.getOccurredAt());
    }

    @Test
    void timestampsAreTruncatedToMillisecondsLikeTheAvroField() {
        TokenUsageEvent u = (TokenUsageEvent) accepted("""
                {"kind":"usage","eventId":"u","tokenId":"t","tenant":"x","occurredAt":"2026-01-02T09:00:00.123456789Z","scope":"s","outcome":"ALLOWED"}""").value();
        assertEquals(T.plusMillis(123), u.getOccurredAt());
    }

    @Test
    void lifecycleWithEveryField() {
        CanonicalEvent e = accepted("""
                {"kind":"lifecycle","eventId":"l-1","tokenId":"tok-2","tenant":"acme","type":"ROTATED","occurredAt":"2026-01-02T09:00:00Z",\
                "owner":"team","principal":"billing","serviceVersion":"2.0","scopes":["a","b"],"expiresAt":%d,\
                "replacesTokenId":"tok-1","exposedAt":"2026-01-01T00:00:00Z","reason":"why","issuer":"vault",\
                "attributes":{"k":"v","n":42,"b":true}}""".formatted(T.plus(Duration.ofDays(30)).toEpochMilli()));
        assertEquals(TopicDef.LIFECYCLE, e.topic());
        assertEquals("tok-2", e.key());
        TokenLifecycleEvent l = assertInstanceOf(TokenLifecycleEvent.class, e.value());
        assertEquals(LifecycleType.ROTATED, l.getType());
        assertEquals(T, l.getOccurredAt());
        assertEquals("team", l.getOwner());
        assertEquals("billing", l.getPrincipal());
        assertEquals("2.0", l.getServiceVersion());
        assertEquals(List.of("a", "b"), l.getScopes());
        assertEquals(T.plus(Duration.ofDays(30)), l.getExpiresAt());
        assertEquals("tok-1", l.getReplacesTokenId());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), l.getExposedAt());
        assertEquals("why", l.getReason());
        assertEquals("vault", l.getIssuer());
        assertEquals(Map.of("k", "v", "n", "42", "b", "true"), l.getAttributes());
    }

    @Test
    void lifecycleOptionalFieldsDefault() {
        TokenLifecycleEvent l = (TokenLifecycleEvent) accepted("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ISSUED","occurredAt":0,"issuer":"internal"}""").value();
        assertEquals(List.of(), l.getScopes());
        assertEquals(Map.of(), l.getAttributes());
        assertNull(l.getExpiresAt());
        assertEquals(Instant.EPOCH, l.getOccurredAt());
    }

    @Test
    void deploymentIsKeyedByTenantServiceAndVersion() {
        CanonicalEvent e = accepted("""
                {"kind":"deployment","eventId":"d-1","tenant":"acme","service":"billing","version":"1.4.0","type":"RETIRED","occurredAt":"2026-01-02T09:00:00Z"}""");
        assertEquals(TopicDef.DEPLOYMENTS, e.topic());
        assertEquals("acme/billing@1.4.0", e.key());
        ServiceDeploymentEvent d = assertInstanceOf(ServiceDeploymentEvent.class, e.value());
        assertEquals(DeploymentType.RETIRED, d.getType());
        assertEquals(T, d.getOccurredAt());
        assertEquals(T, ((ServiceDeploymentEvent) accepted("""
                {"kind":"deployment","eventId":"d-1","tenant":"acme","service":"billing","version":"1","type":"DEPLOYED","occurredAt":%d}"""
                .formatted(T.toEpochMilli())).value()).getOccurredAt());
    }

    @Test
    void policyMapsEveryIsoDurationToItsMillisecondField() {
        CanonicalEvent e = accepted("""
                {"kind":"policy","tenant":"acme","unusedAfter":"P90D","scopeObservation":"P2W","maxLifetime":"P1DT12H",\
                "expiryWarning":"P7D","replacementSla":"PT24H","sourceLearning":"PT168H","spikeFactor":10,"spikeMinCount":100,\
                "probeThreshold":10,"probeWindow":"PT1M","alertCooldown":"PT1H","unknownGrace":"PT5M","discoverUnknown":true,\
                "ephemeralLifetime":"PT12H","occurredAt":"2026-01-02T09:00:00Z","effectiveFrom":"2026-02-01T00:00:00Z"}""");
        assertEquals(TopicDef.POLICIES, e.topic());
        assertEquals("acme", e.key());
        TokenPolicy p = assertInstanceOf(TokenPolicy.class, e.value());
        assertEquals(Duration.ofDays(90).toMillis(), p.getUnusedAfterMs());
        assertEquals(Duration.ofDays(14).toMillis(), p.getScopeObservationMs());
        assertEquals(Duration.ofHours(36).toMillis(), p.getMaxLifetimeMs());
        assertEquals(Duration.ofDays(7).toMillis(), p.getExpiryWarningMs());
        assertEquals(Duration.ofHours(24).toMillis(), p.getReplacementSlaMs());
        assertEquals(Duration.ofDays(7).toMillis(), p.getSourceLearningMs());
        assertEquals(10.0, p.getSpikeFactor());
        assertEquals(100L, p.getSpikeMinCount());
        assertEquals(10, p.getProbeThreshold());
        assertEquals(60_000L, p.getProbeWindowMs());
        assertEquals(3_600_000L, p.getAlertCooldownMs());
        assertEquals(300_000L, p.getUnknownGraceMs());
        assertTrue(p.getDiscoverUnknown());
        assertEquals(Duration.ofHours(12).toMillis(), p.getEphemeralLifetimeMs());
        assertEquals(T, p.getOccurredAt());
        assertEquals(java.time.Instant.parse("2026-02-01T00:00:00Z"), p.getEffectiveFrom());
    }

    @Test
    void policyDurationsInMillisecondsAndLeftOutFieldsStayNull() {
        TokenPolicy p = (TokenPolicy) accepted("""
                {"kind":"policy","tenant":"acme","unusedAfter":86400000,"probeWindow":"30000","alertCooldown":1}""").value();
        assertEquals(86_400_000L, p.getUnusedAfterMs());
        assertEquals(30_000L, p.getProbeWindowMs());
        assertEquals(1L, p.getAlertCooldownMs());
        assertNull(p.getMaxLifetimeMs());
        assertNull(p.getSpikeFactor());
        assertNull(p.getDiscoverUnknown());
        assertNull(p.getOccurredAt());
    }

    @Test
    void unknownMembersAreIgnored() {
        TokenUsageEvent u = (TokenUsageEvent) accepted("""
                {"kind":"usage","eventId":"u","tokenId":"t","tenant":"x","occurredAt":0,"scope":"s","outcome":"ALLOWED",\
                "futureField":{"nested":[1,2]},"traceId":"abc"}""").value();
        assertEquals("u", u.getEventId());
    }

    @Test
    void theSampleFileIsAllAccepted() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/sample.jsonl");
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            List<LineResult> results = adapter.parse(reader).toList();
            assertEquals(10, results.size());
            results.forEach(r -> assertInstanceOf(LineResult.Accepted.class, r, r::toString));
            Map<TopicDef, Long> byTopic = results.stream()
                    .collect(Collectors.groupingBy(r -> ((LineResult.Accepted) r).event().topic(), Collectors.counting()));
            assertEquals(Map.of(TopicDef.POLICIES, 2L, TopicDef.DEPLOYMENTS, 2L, TopicDef.LIFECYCLE, 3L, TopicDef.USAGE, 3L),
                    byTopic);
        }
    }

    // ---- rejections, each with its line number ----

    private static final String USAGE_OK =
            "{\"kind\":\"usage\",\"eventId\":\"u\",\"tokenId\":\"t\",\"tenant\":\"x\",\"occurredAt\":0,\"scope\":\"s\",\"outcome\":\"ALLOWED\"}";

    @Test
    void badLinesAreRejectedWithTheirNumberAndGoodOnesAroundThemGoThrough() {
        String text = String.join("\n",
                "# header comment",                                  // 1 skipped
                USAGE_OK,                                            // 2 accepted
                "{not json",                                         // 3
                "",                                                  // 4 skipped
                "   ",                                               // 5 skipped
                "{\"kind\":\"audit\",\"eventId\":\"e\"}",            // 6
                USAGE_OK.replace("\"outcome\":\"ALLOWED\"", "\"outcome\":\"MAYBE\""), // 7
                "  # indented comment",                              // 8 skipped
                USAGE_OK,                                            // 9 accepted
                USAGE_OK.replace("}", ",\"count\":0}"),            // 10
                USAGE_OK + "\r");                                    // 11 accepted (CRLF)
        List<LineResult> results = parse(text);
        assertEquals(List.of(2L, 3L, 6L, 7L, 9L, 10L, 11L), results.stream().map(LineResult::lineNumber).toList());
        assertInstanceOf(LineResult.Accepted.class, results.get(0));
        assertTrue(((LineResult.Rejected) results.get(1)).reason().startsWith("not valid JSON"), results.get(1).toString());
        assertTrue(((LineResult.Rejected) results.get(2)).reason().contains("unknown kind 'audit'"));
        assertTrue(((LineResult.Rejected) results.get(3)).reason().contains("outcome 'MAYBE' is not one of [ALLOWED, DENIED_SCOPE"));
        assertInstanceOf(LineResult.Accepted.class, results.get(4));
        assertEquals("count must be at least 1, got 0", ((LineResult.Rejected) results.get(5)).reason());
        assertInstanceOf(LineResult.Accepted.class, results.get(6));
        assertEquals("line 3: " + ((LineResult.Rejected) results.get(1)).reason(), results.get(1).toString());
    }

    @Test
    void notJsonAndNotAnObject() {
        assertTrue(rejected("hello").startsWith("not valid JSON"));
        assertEquals("not a JSON object", rejected("[1,2]"));
        assertEquals("not a JSON object", rejected("\"usage\""));
        assertTrue(rejected(USAGE_OK + " {}").startsWith("not valid JSON"), "trailing content");
        assertTrue(rejected(USAGE_OK.replace("\"tenant\":\"x\"", "\"tenant\":\"x\",\"tenant\":\"y\"")).contains("Duplicate field 'tenant'"));
    }

    @Test
    void kindMissingWrongTypeOrUnknown() {
        assertEquals("kind is missing: one of usage, lifecycle, deployment, policy", rejected("{\"eventId\":\"e\"}"));
        assertEquals("kind must be a string, got number: one of usage, lifecycle, deployment, policy", rejected("{\"kind\":3}"));
        assertEquals("unknown kind 'Usage': one of usage, lifecycle, deployment, policy", rejected("{\"kind\":\"Usage\"}"));
    }

    @Test
    void missingRequiredFieldsAreAllNamed() {
        assertEquals("eventId is missing; tokenId is missing; tenant is missing; occurredAt is missing; scope is missing; outcome is missing",
                rejected("{\"kind\":\"usage\"}"));
        assertEquals("eventId is missing; tokenId is missing; tenant is missing; type is missing; occurredAt is missing; issuer is missing",
                rejected("{\"kind\":\"lifecycle\"}"));
        assertEquals("eventId is missing; tenant is missing; service is missing; version is missing; type is missing; occurredAt is missing",
                rejected("{\"kind\":\"deployment\"}"));
        assertEquals("tenant is missing", rejected("{\"kind\":\"policy\"}"));
        assertEquals("issuer is missing", rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ISSUED","occurredAt":0}"""));
        assertEquals("tenant is missing", rejected(USAGE_OK.replace("\"tenant\":\"x\"", "\"tenant\":null")));
        assertEquals("tenant is blank", rejected(USAGE_OK.replace("\"tenant\":\"x\"", "\"tenant\":\"  \"")));
    }

    @Test
    void unknownEnumSymbolsListTheAllowedOnes() {
        assertEquals("type 'CREATED' is not one of [ISSUED, ROTATED, SCOPES_CHANGED, RENEWED, REVOKED, EXPIRED, COMPROMISED]", rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"CREATED","occurredAt":0,"issuer":"i"}"""));
        assertEquals("type 'deployed' is not one of [DEPLOYED, RETIRED]", rejected("""
                {"kind":"deployment","eventId":"d","tenant":"x","service":"s","version":"1","type":"deployed","occurredAt":0}"""));
    }

    @Test
    void badTimestamps() {
        assertEquals("occurredAt 'yesterday' is not an ISO-8601 UTC timestamp (2026-03-01T12:00:00Z) or epoch milliseconds",
                rejected(USAGE_OK.replace("\"occurredAt\":0", "\"occurredAt\":\"yesterday\"")));
        assertEquals("occurredAt '2026-01-02T09:00:00' is not an ISO-8601 UTC timestamp (2026-03-01T12:00:00Z) or epoch milliseconds: add the zone, e.g. Z",
                rejected(USAGE_OK.replace("\"occurredAt\":0", "\"occurredAt\":\"2026-01-02T09:00:00\"")));
        assertEquals("occurredAt must be a timestamp string or epoch milliseconds, got number",
                rejected(USAGE_OK.replace("\"occurredAt\":0", "\"occurredAt\":1.5")));
        assertEquals("occurredAt 99999999999999999999 is out of range for epoch milliseconds",
                rejected(USAGE_OK.replace("\"occurredAt\":0", "\"occurredAt\":99999999999999999999")));
        assertEquals("expiresAt must be a timestamp string or epoch milliseconds, got boolean", rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ISSUED","occurredAt":0,"issuer":"i","expiresAt":true}"""));
    }

    @Test
    void badDurations() {
        assertEquals("unusedAfter 'P1M' is not an ISO-8601 duration (P90D, PT24H) or milliseconds",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"unusedAfter\":\"P1M\"}"));
        assertEquals("maxLifetime '90 days' is not an ISO-8601 duration (P90D, PT24H) or milliseconds",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"maxLifetime\":\"90 days\"}"));
        assertEquals("probeWindow must be positive", rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"probeWindow\":0}"));
        assertEquals("alertCooldown must be positive", rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"alertCooldown\":\"-PT1H\"}"));
        assertEquals("unknownGrace must be an ISO-8601 duration string or whole milliseconds, got number",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"unknownGrace\":1.5}"));
    }

    @Test
    void wrongTypes() {
        assertEquals("tokenId must be a string, got number", rejected(USAGE_OK.replace("\"tokenId\":\"t\"", "\"tokenId\":42")));
        assertEquals("count must be a whole number, got number 1.5", rejected(USAGE_OK.replace("}", ",\"count\":1.5}")));
        assertEquals("count must be a whole number, got string \"3\"", rejected(USAGE_OK.replace("}", ",\"count\":\"3\"}")));
        assertEquals("count 3000000000 is out of range (at most 2147483647)", rejected(USAGE_OK.replace("}", ",\"count\":3000000000}")));
        assertEquals("scopes must be an array of strings, got string", rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ISSUED","occurredAt":0,"issuer":"i","scopes":"a b"}"""));
        assertEquals("scopes must hold non-blank strings only", rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ISSUED","occurredAt":0,"issuer":"i","scopes":["a",1]}"""));
        assertEquals("attributes must be an object of strings, got array", rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ISSUED","occurredAt":0,"issuer":"i","attributes":[]}"""));
        assertEquals("discoverUnknown must be true or false, got string",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"discoverUnknown\":\"yes\"}"));
        assertEquals("spikeFactor must be a finite number, got string",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"spikeFactor\":\"10\"}"));
    }

    @Test
    void outOfRangePolicyNumbers() {
        assertEquals("spikeFactor must be positive", rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"spikeFactor\":0}"));
        assertEquals("spikeMinCount must be at least 1", rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"spikeMinCount\":0}"));
        assertEquals("probeThreshold must be at least 1", rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"probeThreshold\":-2}"));
    }

    @Test
    void secretShapedTokenIdsAreRejectedWithoutEchoingThem() {
        String pat = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        String reason = rejected(USAGE_OK.replace("\"tokenId\":\"t\"", "\"tokenId\":\"" + pat + "\""));
        assertTrue(reason.startsWith("tokenId looks like a GitHub token (ghp_****)"), reason);
        assertFalse(reason.contains(pat.substring(4, 12)), reason);

        String slack = "xoxb-1234567890-abcdefghij";
        reason = rejected("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"ROTATED","occurredAt":0,"issuer":"slack",\
                "replacesTokenId":"%s"}""".formatted(slack));
        assertTrue(reason.startsWith("replacesTokenId looks like a Slack token (xoxb-****)"), reason);
        assertFalse(reason.contains("1234567890"), reason);
    }

    @Test
    void byteOrderMarkOnTheFirstLineIsIgnored() {
        List<LineResult> results = parse("\uFEFF" + USAGE_OK + "\n" + USAGE_OK);
        assertEquals(2, results.size());
        results.forEach(r -> assertInstanceOf(LineResult.Accepted.class, r));
    }

    @Test
    void undecodableBytesRejectTheLine() {
        byte[] bytes = (USAGE_OK.replace("\"x\"", "\"x\u00e9\"") + "\n" + USAGE_OK).getBytes(StandardCharsets.ISO_8859_1);
        List<LineResult> results = adapter.parse(new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8)).toList();
        assertEquals("not valid UTF-8 (the line holds undecodable bytes)", ((LineResult.Rejected) results.get(0)).reason());
        assertInstanceOf(LineResult.Accepted.class, results.get(1));
    }

    @Test
    void readsLazilyWithoutLoadingTheWholeInput() {
        // A "file" of a hundred million lines: only the lines pulled are ever produced.
        GeneratedReader reader = new GeneratedReader(USAGE_OK + "\n", 100_000_000L);
        List<LineResult> first = adapter.parse(reader).limit(3).toList();
        assertEquals(List.of(1L, 2L, 3L), first.stream().map(LineResult::lineNumber).toList());
        assertTrue(reader.charsServed < 1_000_000, "read " + reader.charsServed + " chars for 3 lines");
    }

    @Test
    void isSkippedMatchesBlankAndCommentLines() {
        assertTrue(JsonLinesAdapter.isSkipped(""));
        assertTrue(JsonLinesAdapter.isSkipped("  \t"));
        assertTrue(JsonLinesAdapter.isSkipped(" # note"));
        assertFalse(JsonLinesAdapter.isSkipped("{}"));
    }

    // ---- more kinds of input ----

    @Test
    void everyTimestampFieldTakesIsoOrEpochMillis() {
        long expires = T.plus(Duration.ofDays(90)).toEpochMilli();
        TokenLifecycleEvent l = (TokenLifecycleEvent) accepted("""
                {"kind":"lifecycle","eventId":"l","tokenId":"t","tenant":"x","type":"COMPROMISED","occurredAt":"%d",\
                "expiresAt":%d,"exposedAt":"2025-12-31T23:59:59.999Z","issuer":"i"}""".formatted(T.toEpochMilli(), expires)).value();
        assertEquals(T, l.getOccurredAt());
        assertEquals(Instant.ofEpochMilli(expires), l.getExpiresAt());
        assertEquals(Instant.parse("2025-12-31T23:59:59.999Z"), l.getExposedAt());

        TokenPolicy iso = (TokenPolicy) accepted("{\"kind\":\"policy\",\"tenant\":\"x\",\"occurredAt\":\"2026-01-02T09:00:00Z\"}").value();
        TokenPolicy epoch = (TokenPolicy) accepted("{\"kind\":\"policy\",\"tenant\":\"x\",\"occurredAt\":" + T.toEpochMilli() + "}").value();
        assertEquals(T, iso.getOccurredAt());
        assertEquals(iso, epoch);
        assertEquals(Instant.ofEpochMilli(-1000), ((TokenUsageEvent) accepted(USAGE_OK.replace("\"occurredAt\":0", "\"occurredAt\":-1000")).value())
                .getOccurredAt(), "before 1970 is still a time");
    }

    @Test
    void isoAndMillisecondDurationsAgree() {
        TokenPolicy iso = (TokenPolicy) accepted("""
                {"kind":"policy","tenant":"x","unusedAfter":"P90D","replacementSla":"PT24H","probeWindow":"PT0.5S"}""").value();
        TokenPolicy ms = (TokenPolicy) accepted("""
                {"kind":"policy","tenant":"x","unusedAfter":7776000000,"replacementSla":"86400000","probeWindow":500}""").value();
        assertEquals(7_776_000_000L, iso.getUnusedAfterMs());
        assertEquals(86_400_000L, iso.getReplacementSlaMs());
        assertEquals(500L, iso.getProbeWindowMs());
        assertEquals(iso, ms);
        assertEquals("unusedAfter 'P1Y' is not an ISO-8601 duration (P90D, PT24H) or milliseconds",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"unusedAfter\":\"P1Y\"}"), "a year has no fixed length");
        assertEquals("probeWindow must be positive", rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"probeWindow\":\"PT0.0001S\"}"),
                "under a millisecond is zero milliseconds");
        assertEquals("maxLifetime 'P9999999999999D' is not an ISO-8601 duration (P90D, PT24H) or milliseconds",
                rejected("{\"kind\":\"policy\",\"tenant\":\"x\",\"maxLifetime\":\"P9999999999999D\"}"), "overflows a long of ms");
    }

    @Test
    void everyProblemOfALineIsNamedTogether() {
        assertEquals("eventId is missing; occurredAt 'soon' is not an ISO-8601 UTC timestamp (2026-03-01T12:00:00Z) or epoch milliseconds; "
                        + "outcome 'OK' is not one of [ALLOWED, DENIED_SCOPE, DENIED_EXPIRED, DENIED_REVOKED, DENIED_UNKNOWN, DENIED_OTHER]; "
                        + "count must be at least 1, got -3",
                rejected("""
                        {"kind":"usage","tokenId":"t","tenant":"x","occurredAt":"soon","scope":"s","outcome":"OK","count":-3}"""));
        assertEquals("unknown kind '': one of usage, lifecycle, deployment, policy", rejected("{\"kind\":\"\"}"));
    }

    /** secret-shaped values, assembled so that no scanner flags this file. */
    private static final List<String> SECRETS = List.of(
            "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY",
            "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "-----BEGIN RSA PRIVATE KEY-----" + "MIIEowIBAAKCAQEA7bq9",
            "github_pat_" + "11ABCDEFG0x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4",
            "xoxb-" + "2462781-9823745-Zx8Qw3Er6Ty9Ui");

    @Test
    void everySecretShapedTokenIdRejectsItsOwnLineOnlyAndIsNeverEchoed() {
        StringBuilder text = new StringBuilder(USAGE_OK).append('\n');                     // line 1
        for (String secret : SECRETS) {                                                     // lines 2-6
            text.append(USAGE_OK.replace("\"tokenId\":\"t\"", "\"tokenId\":\"" + secret + "\"")).append('\n');
        }
        text.append(USAGE_OK);                                                              // line 7

        List<LineResult> results = parse(text.toString());

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), results.stream().map(LineResult::lineNumber).toList());
        assertInstanceOf(LineResult.Accepted.class, results.get(0));
        assertInstanceOf(LineResult.Accepted.class, results.get(6));
        for (int i = 0; i < SECRETS.size(); i++) {
            String reason = assertInstanceOf(LineResult.Rejected.class, results.get(i + 1)).reason();
            assertTrue(reason.startsWith("tokenId looks like a "), reason);
            String secret = SECRETS.get(i);
            // Only the fixed format prefix may show: no 8-character window of what follows it.
            String material = secret.substring(secret.startsWith("-----") ? 31 : secret.startsWith("github_pat_") ? 11 : 5);
            for (int j = 0; j + 8 <= material.length(); j++) {
                assertFalse(results.get(i + 1).toString().contains(material.substring(j, j + 8)), reason);
            }
        }
    }

    @Test
    void linesAreNumberedPhysicallyWhateverTheLineEnding() {
        String text = USAGE_OK + "\r\n" + "# c\r\n" + "\r\n" + "bad\r" + USAGE_OK + "\n" + "bad";
        List<LineResult> results = parse(text);
        assertEquals(List.of(1L, 4L, 5L, 6L), results.stream().map(LineResult::lineNumber).toList());
        assertEquals(List.of(true, false, true, false), results.stream().map(r -> r instanceof LineResult.Accepted).toList());
    }

    @Test
    void aLargeInputStreamsThroughWithBoundedReadAhead() {
        int lines = 50_000; // ~6 MB of input, a hundred times the reader buffer
        GeneratedReader reader = new GeneratedReader(USAGE_OK + "\n", lines);
        long lineLength = USAGE_OK.length() + 1;
        long[] maxAhead = {0};

        long accepted;
        try (var stream = adapter.parse(reader)) {
            accepted = stream.peek(r -> maxAhead[0] = Math.max(maxAhead[0], reader.charsServed - r.lineNumber() * lineLength))
                    .filter(r -> r instanceof LineResult.Accepted)
                    .count();
        }

        assertEquals(lines, accepted);
        assertEquals(lines * lineLength, reader.charsServed);
        // Never more than the reader's buffer ahead of the line being handed out: nothing accumulates.
        assertTrue(maxAhead[0] <= 2 * 65_536, "read ahead " + maxAhead[0] + " chars");
    }

    @Test
    void theStreamStopsAtTheEndAndLeavesTheReaderToTheCaller() throws IOException {
        StringReader reader = new StringReader(USAGE_OK);
        var it = adapter.parse(reader).iterator();
        assertTrue(it.hasNext());
        it.next();
        assertFalse(it.hasNext());
        assertFalse(it.hasNext(), "asking again after the end is harmless");
        assertThrows(java.util.NoSuchElementException.class, it::next);
        assertTrue(reader.ready(), "not closed: a closed StringReader throws here");
    }

    /** Produces the same line {@code times} times, on demand. */
    private static final class GeneratedReader extends Reader {
        private final String line;
        private final long chars;
        long charsServed;

        GeneratedReader(String line, long times) {
            this.line = line;
            this.chars = line.length() * times;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (charsServed >= chars) {
                return -1;
            }
            int n = (int) Math.min(len, chars - charsServed);
            for (int i = 0; i < n; i++) {
                buf[off + i] = line.charAt((int) ((charsServed + i) % line.length()));
            }
            charsServed += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
