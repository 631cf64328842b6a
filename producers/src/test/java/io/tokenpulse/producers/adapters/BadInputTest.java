package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.parseText;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static io.tokenpulse.producers.adapters.Results.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and broken input: caps hold, the next good record goes through, no secret or control character is echoed. */
class BadInputTest {
    private static final String REC = "{\"eventTime\":\"2026-03-02T10:00:0%dZ\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
            + "\"eventID\":\"e%d\",\"recipientAccountId\":\"1\",\"userIdentity\":{\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}%s}";
    private static final InputLimits SMALL = new InputLimits(4096, 1L << 30, 100);

    private static String rec(int i, String extra) {
        return String.format(REC, i, i, extra);
    }

    @Test
    void aRecordOverTheCapIsRejectedAndTheNextOneGoesThrough() {
        String huge = ",\"pad\":\"" + "x".repeat(10_000) + "\",\"nested\":{\"a\":[1,2,{\"b\":\"}\"}]}";
        List<LineResult> r = parseText(new CloudTrailAdapter(null, SMALL), rec(1, "") + "\n" + rec(2, huge) + "\n" + rec(3, ""));
        assertEquals(3, r.size(), r::toString);
        assertEquals("e1", usage(r.get(0), 1).getEventId());
        LineResult.Rejected big = rejected(r.get(1), 2, "record-too-large");
        assertTrue(big.reason().startsWith("record too large: 10"), big.reason());
        assertEquals("e3", usage(r.get(2), 3).getEventId());
    }

    @Test
    void aCanonicalLineOverTheCapIsRejectedAndTheNextOneGoesThrough() {
        String good = "{\"kind\":\"usage\",\"eventId\":\"u1\",\"tokenId\":\"t1\",\"tenant\":\"a\",\"occurredAt\":\"2026-03-01T00:00:00Z\","
                + "\"scope\":\"s\",\"outcome\":\"ALLOWED\"}";
        List<LineResult> r = parseText(new JsonLinesAdapter(SMALL), "x".repeat(50_000) + "\r\n" + good + "\n");
        assertEquals(2, r.size(), r::toString);
        assertEquals("line too long: 50000 characters, more than the 4096 allowed (--max-record-size); skipped",
                rejected(r.get(0), 1, "line-too-long").reason());
        assertTrue(r.get(1) instanceof LineResult.Accepted, r.get(1)::toString);
    }

    @Test
    void tooDeepANestingIsRejectedWithoutARecursionAnywhere() {
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        List<LineResult> r = parseText(new CloudTrailAdapter(), deep + "\n" + rec(2, ""));
        assertEquals("truncated: nested deeper than 256 levels", rejected(r.get(0), 1, "truncated").reason());
        assertEquals("e2", usage(r.get(r.size() - 1), 2).getEventId());
    }

    /** A gzip member of one good record, one line of {@code zeros} zero characters inside a string, and another record. */
    private static byte[] bomb(long zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes, 1 << 16)) {
            gz.write((rec(1, "") + "\n{\"pad\":\"").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 16];
            java.util.Arrays.fill(chunk, (byte) '0');
            for (long n = 0; n < zeros; n += chunk.length) {
                gz.write(chunk);
            }
            gz.write(("\"}\n" + rec(2, "") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void aGzipHeaderCutShortOrBrokenIsOneUnreadableRejectionNotAnException() throws IOException {
        // Found by AdapterFuzzTest: the reader threw while it opened the input, before any adapter saw it.
        Map<String, byte[]> headers = Map.of("cut short", new byte[] {0x1f, (byte) 0x8b},
                "broken (Unsupported compression method)", new byte[] {0x1f, (byte) 0x8b, 0x00});
        for (var header : headers.entrySet()) {
            for (var adapter : List.of(new CloudTrailAdapter(), new JsonLinesAdapter())) {
                List<LineResult> r;
                try (Reader reader = InputDecoding.reader(new ByteArrayInputStream(header.getValue())); var s = adapter.parse(reader)) {
                    r = s.collect(Collectors.toList());
                }
                assertEquals(1, r.size(), r::toString);
                LineResult.Rejected end = rejected(r.get(0), 1, "unreadable-input");
                assertTrue(end.reason().contains("its gzip header is " + header.getKey()), end.reason());
            }
        }
    }

    @Test
    void aGzipBombEndsItsInputWithOneRejectionAfterTheRecordsBeforeIt() throws IOException {
        byte[] gz = bomb(256L << 20); // 256 MiB of '0' in ~260 KB
        assertTrue(gz.length < 400_000, "compressed " + gz.length);
        List<LineResult> r;
        try (Reader reader = InputDecoding.reader(new ByteArrayInputStream(gz)); var s = new CloudTrailAdapter().parse(reader)) {
            r = s.collect(Collectors.toList());
        }
        assertEquals(2, r.size(), r::toString);
        assertEquals("e1", usage(r.get(0), 1).getEventId());
        LineResult.Rejected end = rejected(r.get(1), 2, "inflate-limit");
        assertTrue(end.reason().startsWith("gzip input inflates more than 100 times its compressed size"), end.reason());

        // The same bomb as canonical JSON Lines: the same rejection, from the line reader.
        List<LineResult> j;
        try (Reader reader = InputDecoding.reader(new ByteArrayInputStream(gz)); var s = new JsonLinesAdapter().parse(reader)) {
            j = s.collect(Collectors.toList());
        }
        assertEquals("inflate-limit", ((LineResult.Rejected) j.get(j.size() - 1)).code());
    }

    @Test
    void theInflatedSizeCapHoldsForOrdinaryData() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append(rec(i % 10, ",\"n\":" + i)).append('\n');
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        InputLimits tight = new InputLimits(1 << 20, 100_000, 1000);
        List<LineResult> r;
        try (Reader reader = InputDecoding.reader(new ByteArrayInputStream(bytes.toByteArray()), tight);
             var s = new CloudTrailAdapter(null, tight).parse(reader)) {
            r = s.collect(Collectors.toList());
        }
        LineResult.Rejected end = (LineResult.Rejected) r.get(r.size() - 1);
        assertEquals("inflate-limit", end.code());
        assertTrue(end.reason().startsWith("gzip input inflates beyond 100000 bytes"), end.reason());
        assertTrue(r.size() > 100 && r.size() < 2000, "the records before the cap were read: " + r.size());
    }

    @Test
    void afterABombTheNextFileStillGoesThrough(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("a-bomb.json.gz"), bomb(64L << 20));
        Files.writeString(dir.resolve("b-good.json"), rec(5, ""));
        MergedInput m = new MergedInput(InputFiles.expand(List.of(dir)), CloudTrailAdapter::new, InputLimits.DEFAULTS, 1000);
        List<LineResult> r;
        try (var s = m.stream()) {
            r = s.collect(Collectors.toList());
        }
        assertEquals(List.of("e1", "inflate-limit", "e5"), r.stream().map(x -> x instanceof LineResult.Rejected rej ? rej.code()
                : ((io.tokenpulse.avro.TokenUsageEvent) ((LineResult.Accepted) x).event().value()).getEventId()).collect(Collectors.toList()));
        assertTrue(r.get(1).toString().startsWith(dir.resolve("a-bomb.json.gz") + " line 2: gzip input inflates"), r.get(1).toString());
    }

    // Fake but well-formed secrets of each kind, assembled so that no scanner flags this file.
    @ParameterizedTest
    @ValueSource(strings = {"ghp_", "github_pat_11ABCDEFG0", "hvs.", "hvb.", "s.", "AWS"})
    void noRejectionEchoesASecretWhateverPathItTakes(String kind) {
        String secret = switch (kind) {
            case "AWS" -> "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY";
            case "s." -> "s." + "Qm9vBnKx7Lr2TzWc8YdHe4Jp";
            case "hvs.", "hvb." -> kind + "CAESIJlWhB2nG7Zk" + "q0eMp4RfT8xYcVb3LdNu6A";
            default -> kind + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4";
        };
        String body = secret.substring(kind.equals("AWS") ? 0 : kind.length());
        List<String> reasons = new java.util.ArrayList<>();
        // 1. A time that is not one, quoted by the CloudTrail mapper.
        reasons.addAll(reasons(new CloudTrailAdapter(), rec(1, "").replace("2026-03-02T10:00:01Z", secret)));
        // 2. An unknown kind, quoted by the canonical adapter; 3. an unquoted token in broken JSON (Jackson quotes it).
        reasons.addAll(reasons(new JsonLinesAdapter(), "{\"kind\":\"" + secret + "\"}\n{\"kind\": " + secret + " }"));
        // 4. An expiration that is not a time, quoted in the STS rejection; 5. a secret where the key id belongs.
        reasons.addAll(reasons(new CloudTrailAdapter(), "{\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"sts.amazonaws.com\","
                + "\"eventName\":\"GetSessionToken\",\"eventID\":\"e9\",\"recipientAccountId\":\"1\",\"userIdentity\":{\"accessKeyId\":\""
                + secret + "\"},\"responseElements\":{\"credentials\":{\"accessKeyId\":\"ASIAIOSFODNN7EXAMPLE\",\"expiration\":\"" + secret + "\"}}}"));
        // 6. A Vault entry whose time is a secret.
        reasons.addAll(reasons(new VaultAuditAdapter(), "{\"time\":\"" + secret + "\",\"type\":\"request\",\"auth\":{\"accessor\":\"a\"},"
                + "\"request\":{\"id\":\"r\",\"operation\":\"read\",\"path\":\"p\"}}"));
        assertTrue(reasons.size() >= 5, reasons::toString);
        for (String reason : reasons) {
            assertFalse(reason.contains(body), "echoed: " + reason);
        }
    }

    private static List<String> reasons(InputAdapter a, String text) {
        return parseText(a, text).stream().filter(x -> x instanceof LineResult.Rejected)
                .map(x -> ((LineResult.Rejected) x).reason()).collect(Collectors.toList());
    }

    @Test
    void controlCharactersAreEscapedBeforeAnythingPrintsThem() {
        List<String> r = reasons(new JsonLinesAdapter(), "{\"kind\":\"\\u001b]0;owned\\u0007\\u001b[2J\\r\\u202eevil\"}");
        assertEquals(1, r.size());
        assertEquals("unknown kind '\\u001b]0;owned\\u0007\\u001b[2J\\u000d\\u202eevil': one of usage, lifecycle, deployment, policy", r.get(0));
        assertTrue(r.get(0).chars().noneMatch(c -> c < 0x20), r.get(0));
    }

    @Test
    void reasonsAndCountersAreBounded() {
        String longKind = "k".repeat(100_000);
        List<String> r = reasons(new JsonLinesAdapter(), "{\"kind\":\"" + longKind + "\"}");
        assertTrue(r.get(0).length() <= Sanitizer.MAX_REASON + 10, "length " + r.get(0).length());
        assertTrue(r.get(0).endsWith("… (cut)"), r.get(0));

        // Vault's reason quotes the entry type; the report keeps at most MAX_REASONS kinds of it.
        ParseReport report = new ParseReport();
        for (int i = 0; i < 1000; i++) {
            report.ignored("kind " + i);
        }
        assertEquals(ParseReport.MAX_REASONS, report.ignored().size());
        assertEquals(1000 - ParseReport.MAX_REASONS + 1, report.ignored().get(ParseReport.OTHER));
        assertEquals(1000, report.ignoredTotal());
    }
}
