package io.tokenpulse.producers.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every file of the Stratus Red Team detonation capture (35 files of real, anonymised CloudTrail, each a JSON array)
 * through the adapter, with no broker: every file read, nothing rejected, and every event it gives counted.
 */
class StratusDatasetTest {
    private static final String DATASET = "stratus-red-team-detonation-logs";

    @Test
    void everyFileIsReadAndNothingIsRejected() throws IOException {
        Path dir = SharedDatasets.require(DATASET);
        List<Path> files = InputFiles.expand(List.of(dir));
        assertEquals(35, files.size(), "the dataset's README lists 35 files");

        List<LineResult> all = new ArrayList<>();
        ParseReport report = new ParseReport();
        for (Path f : files) {
            CloudTrailAdapter a = new CloudTrailAdapter();
            try (InputStream in = Files.newInputStream(f); Reader r = InputDecoding.reader(in); var s = a.parse(r)) {
                List<LineResult> got = s.collect(Collectors.toList());
                assertTrue(got.stream().noneMatch(x -> x instanceof LineResult.Rejected), () -> f + ": " + got);
                all.addAll(got);
            }
            report.addAll(a.report());
        }
        List<TokenUsageEvent> uses = all.stream().map(x -> ((LineResult.Accepted) x).event().value())
                .filter(TokenUsageEvent.class::isInstance).map(TokenUsageEvent.class::cast).collect(Collectors.toList());
        List<TokenLifecycleEvent> lifecycle = all.stream().map(x -> ((LineResult.Accepted) x).event().value())
                .filter(TokenLifecycleEvent.class::isInstance).map(TokenLifecycleEvent.class::cast).collect(Collectors.toList());

        // 310 records: 309 carry an access key (one use each); the console login without MFA carries none.
        assertEquals(309, uses.size());
        assertEquals(Map.of("no userIdentity.accessKeyId (userIdentity.type IAMUser)", 1L), report.ignored());
        assertEquals(320, all.size(), "309 uses and 11 keys issued");
        assertEquals(40, uses.stream().map(TokenUsageEvent::getTokenId).distinct().count(), "distinct keys used");
        assertEquals(Map.of(UsageOutcome.ALLOWED, 257L, UsageOutcome.DENIED_SCOPE, 51L, UsageOutcome.DENIED_OTHER, 1L),
                new TreeMap<>(uses.stream().collect(Collectors.groupingBy(TokenUsageEvent::getOutcome, Collectors.counting()))),
                "46 Client.UnauthorizedOperation and 5 AccessDenied are refusals by policy; EntityTemporarilyUnmodifiable is not");

        // The two IAM backdoor techniques create long-lived user keys; the rest are STS sessions with their expiry.
        Map<String, Long> issued = lifecycle.stream().collect(Collectors.groupingBy(
                e -> e.getIssuer() + " " + e.getAttributes().get("eventName"), TreeMap::new, Collectors.counting()));
        assertEquals(Map.of("aws-iam CreateAccessKey", 2L, "aws-sts AssumeRole", 8L, "aws-sts GetFederationToken", 1L), issued);
        assertTrue(lifecycle.stream().allMatch(e -> e.getType() == LifecycleType.ISSUED));
        for (TokenLifecycleEvent e : lifecycle) {
            if (e.getIssuer().equals("aws-sts")) {
                long lifetime = e.getExpiresAt().toEpochMilli() - e.getOccurredAt().toEpochMilli();
                assertTrue(lifetime > 0 && lifetime <= 36L * 3600_000, e + " is a session: hours, not days");
            } else {
                assertEquals(null, e.getExpiresAt(), "IAM user keys never expire");
            }
        }
        assertEquals(Set.of("stratus-red-team-backdoor-u-user", "malicious-iam-user"),
                lifecycle.stream().filter(e -> e.getIssuer().equals("aws-iam")).map(e -> e.getAttributes().get("userName"))
                        .collect(Collectors.toSet()));

        // The anonymiser writes regions that are not AWS's ("ap-central-2r") and addresses with leading zeros
        // ("253.252.51.07", which parsers read as octal or refuse): both left out of the uses, the uses kept.
        assertEquals(Map.of("awsRegion is not an AWS region name", 309L,
                "sourceIPAddress is not an IP address (an AWS service name or garbage)", 106L), report.droppedFields());
    }

    @Test
    void theWholeFolderMergesIntoOneStreamInEventTimeOrder() throws IOException {
        Path dir = SharedDatasets.require(DATASET);
        MergedInput merged = new MergedInput(InputFiles.expand(List.of(dir)), CloudTrailAdapter::new, InputLimits.DEFAULTS, 100_000);
        List<MergedInput.FileInfo> infos = merged.scan(i -> { });
        assertEquals(14, infos.stream().filter(i -> !i.inOrder()).count(), "14 of the 35 files are not in time order");
        assertEquals(320, merged.totalResults());
        List<LineResult> all;
        try (var s = merged.stream()) {
            all = s.collect(Collectors.toList());
        }
        assertEquals(320, all.size());
        assertEquals(35, merged.filesDone());
        Instant previous = Instant.MIN;
        for (LineResult r : all) {
            Instant t = Instant.ofEpochMilli(((LineResult.Accepted) r).event().eventTimeMillis());
            assertTrue(!t.isBefore(previous), () -> r + " comes before " + "the event before it");
            previous = t;
            assertTrue(r.source().startsWith(dir.toString()), r.source());
        }
        assertEquals(Map.of("no userIdentity.accessKeyId (userIdentity.type IAMUser)", 1L), merged.report().ignored());
    }
}
