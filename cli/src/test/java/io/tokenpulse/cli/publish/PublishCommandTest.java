package io.tokenpulse.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.cli.CliRun;
import org.junit.jupiter.api.Test;

/** The publish command's options, without a broker: these fail before anything connects. */
class PublishCommandTest {
    @Test
    void helpListsEveryFormatByItsCommandLineName() {
        CliRun help = CliRun.of("publish", "--help");
        assertEquals(0, help.exitCode, help.toString());
        assertTrue(help.out.contains("Input format: jsonl, cloudtrail, vault-audit"), help.toString());
        assertTrue(help.out.contains("cloudtrail   AWS CloudTrail"), help.toString());
        assertTrue(help.out.contains("vault-audit  Vault's file audit device"), help.toString());
        assertTrue(help.out.contains("--tenant=TENANT"), help.toString());
        assertTrue(help.out.contains("github-audit GitHub organisation or enterprise audit log"), help.toString());
        assertTrue(help.out.contains("k8s-audit    Kubernetes API server audit events"), help.toString());
        assertTrue(help.out.contains("aws-iam-keys   aws iam list-access-keys output"), help.toString());
        assertTrue(help.out.contains("Held in memory: per open file"), help.toString());
        assertTrue(help.out.contains("--max-inflate-ratio=N"), help.toString());
    }

    @Test
    void standardInputCannotBeMixedWithFilesAndAFolderWithoutFilesIsAnError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        CliRun mixed = CliRun.of("publish", "--format", "cloudtrail", "-", "x.json");
        assertEquals(2, mixed.exitCode, mixed.toString());
        assertTrue(mixed.err.contains("- (standard input) cannot be read together with files"), mixed.toString());
        CliRun empty = CliRun.of("publish", "--format", "cloudtrail", dir.toString());
        assertEquals(2, empty.exitCode, empty.toString());
        assertTrue(empty.err.contains("no files found in " + dir), empty.toString());
    }

    @Test
    void capsMustBePositive() {
        CliRun run = CliRun.of("publish", "--format", "cloudtrail", "--max-record-size", "0", "x.json");
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("must be positive"), run.toString());
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CliRun run = CliRun.of("publish", "--format", "vault_audit", "x.log");
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("'vault_audit' is not a format: expected one of [jsonl, cloudtrail, vault-audit, github-audit, k8s-audit, aws-iam-keys, github-tokens]"), run.toString());
    }

    @Test
    void tenantIsRefusedForCanonicalJsonLinesWhichNameTheirOwn() {
        CliRun run = CliRun.of("publish", "--format", "jsonl", "--tenant", "acme", "events.jsonl");
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("--tenant applies to cloudtrail and vault-audit"), run.toString());
    }
}
