package io.tokenpulse.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish --format cloudtrail|vault-audit} on a real broker and registry: the producers' fixtures go
 * through the CLI, every event is acknowledged, and each rejection and each count by reason is printed.
 */
class PublishLogsIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final Path FIXTURES = Path.of("..", "producers", "src", "test", "resources", "fixtures");

    @TempDir
    Path dir;

    @Test
    void cloudTrailJsonLinesAndAGzippedDeliveryFile() {
        StackApp stackApp = new StackApp(STACK, "publish-ct", dir.resolve("state"));

        CliRun lines = stackApp.cli("publish", "--format", "cloudtrail", FIXTURES.resolve("cloudtrail/events.jsonl").toString());
        assertEquals(2, lines.exitCode, lines.toString());
        assertTrue(lines.out.contains("Published 18, rejected 5, failed to send 0"), lines.toString());
        assertTrue(lines.err.contains("rejected line 5: not JSON"), lines.toString());
        assertTrue(lines.err.contains("rejected line 17: truncated"), lines.toString());
        assertTrue(lines.out.contains("        1  secret-shaped-id"), lines.toString());
        assertTrue(lines.out.contains("        1  awsRegion is not an AWS region name"), lines.toString());

        // No .gz in the name: the magic bytes say gzip.
        CliRun gz = stackApp.cli("publish", "--format", "cloudtrail", "--tenant", "acme",
                FIXTURES.resolve("cloudtrail/delivery-gzipped-no-extension.json").toString());
        assertEquals(0, gz.exitCode, gz.toString());
        assertTrue(gz.out.contains("Published 3, rejected 0, failed to send 0"), gz.toString());
        assertTrue(gz.out.contains("        1  no userIdentity.accessKeyId (userIdentity.type AWSService)"), gz.toString());
    }

    @Test
    void vaultAuditLog() {
        StackApp stackApp = new StackApp(STACK, "publish-vault", dir.resolve("state"));
        CliRun run = stackApp.cli("publish", "--format", "vault-audit", FIXTURES.resolve("vault/audit.log").toString());
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.out.contains("Published 11, rejected 4, failed to send 0"), run.toString());
        assertTrue(run.err.contains("rejected line 14: auth/token/revoke"), run.toString());
        assertTrue(run.out.contains("        1  response entry (its use came from the request entry)"), run.toString());
    }

    @Test
    void aDirectoryOfRealCloudTrailIsPublishedWholeInEventTimeOrder() {
        Path stratus = Path.of("..", "..", "shared", "datasets", "stratus-red-team-detonation-logs").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(stratus),
                "skipped: the shared dataset is not at " + stratus + " (check out shared/ beside the repository)");
        StackApp stackApp = new StackApp(STACK, "publish-stratus", dir.resolve("state"));
        CliRun run = stackApp.cli("publish", "--format", "cloudtrail", "--progress", stratus.toString());
        assertEquals(0, run.exitCode, run.toString());
        assertTrue(run.out.contains("Published 320, rejected 0, failed to send 0 (320 records from 35 files"), run.toString());
        assertTrue(run.out.contains("        1  no userIdentity.accessKeyId (userIdentity.type IAMUser)"), run.toString());
        assertTrue(run.err.isEmpty() || run.err.lines().allMatch(l -> l.startsWith("... ")), run.toString());
    }

    @Test
    void filesAndFoldersTogetherAndOneBadFileDoesNotStopTheOthers() throws Exception {
        Path tree = dir.resolve("AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02");
        java.nio.file.Files.createDirectories(tree);
        java.nio.file.Files.copy(FIXTURES.resolve("cloudtrail/delivery-gzipped.json.gz"), tree.resolve("a.json.gz"));
        java.nio.file.Files.writeString(tree.resolve("b.json"), "{\"Records\":[{\"eventTime\": nope}]}");
        java.nio.file.Files.writeString(dir.resolve("AWSLogs/.DS_Store"), "junk that is never read");
        StackApp stackApp = new StackApp(STACK, "publish-tree", dir.resolve("state"));
        CliRun run = stackApp.cli("publish", "--format", "cloudtrail", "--quiet", dir.resolve("AWSLogs").toString(),
                FIXTURES.resolve("cloudtrail/delivery.json").toString());
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.out.contains("Published 6, rejected 1, failed to send 0 (7 records from 3 files"), run.toString());
        assertTrue(run.out.contains("        1  not-json"), run.toString());

        CliRun both = stackApp.cli("publish", "--format", "cloudtrail", "-", FIXTURES.resolve("cloudtrail/delivery.json").toString());
        assertEquals(2, both.exitCode, both.toString());
        assertTrue(both.err.contains("- (standard input) cannot be read together with files"), both.toString());
    }
}
