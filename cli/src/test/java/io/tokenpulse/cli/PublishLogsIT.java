package io.tokenpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
