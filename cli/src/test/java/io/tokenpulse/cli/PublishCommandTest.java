package io.tokenpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CliRun run = CliRun.of("publish", "--format", "vault_audit", "x.log");
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("'vault_audit' is not a format: expected one of [jsonl, cloudtrail, vault-audit]"), run.toString());
    }

    @Test
    void tenantIsRefusedForCanonicalJsonLinesWhichNameTheirOwn() {
        CliRun run = CliRun.of("publish", "--format", "jsonl", "--tenant", "acme", "events.jsonl");
        assertEquals(2, run.exitCode, run.toString());
        assertTrue(run.err.contains("--tenant applies to cloudtrail and vault-audit"), run.toString());
    }
}
