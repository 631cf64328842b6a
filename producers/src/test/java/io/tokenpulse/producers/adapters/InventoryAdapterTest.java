package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.lifecycle;
import static io.tokenpulse.producers.adapters.Results.parse;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Inventory listings as lifecycle events: every result of each fixture asserted, and a re-import gives the same ids. */
class InventoryAdapterTest {
    private static InventoryAdapter aws(String tenant) {
        return new InventoryAdapter(InventoryAdapter.Kind.AWS_IAM_KEYS, tenant, InputLimits.DEFAULTS);
    }

    private static InventoryAdapter github() {
        return new InventoryAdapter(InventoryAdapter.Kind.GITHUB_TOKENS, "acme", InputLimits.DEFAULTS);
    }

    @Test
    void awsKeysAreIssuedAtTheirCreationAndInactiveOnesRevoked() {
        InventoryAdapter a = aws(null);
        List<LineResult> r = parse(a, "inventory/aws-users-and-keys.json");
        assertEquals(6, r.size(), () -> r.stream().map(Object::toString).collect(Collectors.joining("\n")));

        TokenLifecycleEvent bob = lifecycle(r.get(0), 21);
        assertEquals("AKIAIOSFODNN7EXAMPLE", bob.getTokenId());
        assertEquals(LifecycleType.ISSUED, bob.getType());
        assertEquals(Instant.parse("2023-03-02T10:22:49Z"), bob.getOccurredAt());
        assertNull(bob.getExpiresAt(), "IAM user keys never expire");
        assertEquals("111122223333", bob.getTenant(), "the account of the user's ARN");
        assertEquals("arn:aws:iam::111122223333:user/Bob", bob.getPrincipal(), "as CloudTrail's userIdentity.arn shows its uses");
        assertEquals("Bob", bob.getOwner());
        assertEquals("aws-iam", bob.getIssuer());
        assertEquals("inventory:AKIAIOSFODNN7EXAMPLE:issued:" + Instant.parse("2023-03-02T10:22:49Z").toEpochMilli(), bob.getEventId());

        TokenLifecycleEvent old = lifecycle(r.get(1), 27);
        assertEquals("AKIAI44QH8DHBEXAMPLE", old.getTokenId());
        assertEquals(LifecycleType.ISSUED, old.getType());
        TokenLifecycleEvent inactive = lifecycle(r.get(2), 27);
        assertEquals(LifecycleType.REVOKED, inactive.getType());
        assertEquals("Inactive in the inventory", inactive.getReason());

        TokenLifecycleEvent ci = lifecycle(r.get(3), 36);
        assertEquals("arn:aws:iam::111122223333:user/ops/ci-deploy", ci.getPrincipal(), "the path comes from list-users");

        // A key of a user list-users did not name: no account to put it in. A key without a readable CreateDate.
        assertEquals("AccessKeyMetadata[1]: no tenant: the account is known only from the user's ARN (list-users before the keys) or --tenant",
                rejected(r.get(4), 36, "missing-field").reason());
        assertEquals("AccessKeyMetadata[2]: CreateDate is missing or not an ISO-8601 time", rejected(r.get(5), 36, "bad-time").reason());
        assertEquals(Map.of("IAM user (names the principal and account of its keys)", 2L), a.report().ignored());
    }

    @Test
    void reImportingGivesTheSameEventIds() {
        List<Object> first = Results.events(parse(aws("111122223333"), "inventory/aws-users-and-keys.json"));
        List<Object> again = Results.events(parse(aws("111122223333"), "inventory/aws-users-and-keys.json"));
        assertEquals(first, again);
        assertEquals(5, first.size(), "with --tenant the ghost's key is kept too (the bad date still is not)");
    }

    @Test
    void theCredentialReportIsRefusedWithItsReason() {
        List<LineResult> r = parse(aws(null), "inventory/credential-report.csv");
        assertEquals(1, r.size());
        assertEquals("unsupported-input", ((LineResult.Rejected) r.get(0)).code());
    }

    @Test
    void fineGrainedGrantsAreIssuedWithTheirExpiry() {
        List<LineResult> r = parse(github(), "inventory/github-fine-grained.json");
        assertEquals(2, r.size(), r::toString);
        TokenLifecycleEvent deploy = lifecycle(r.get(0), 2);
        assertEquals("gh-token:98716", deploy.getTokenId(), "token_id, the id the audit log writes");
        assertEquals(Instant.parse("2026-01-10T12:00:00Z"), deploy.getOccurredAt());
        assertEquals(Instant.parse("2026-04-10T12:00:00Z"), deploy.getExpiresAt());
        assertEquals("octocat", deploy.getOwner());
        assertEquals("acme", deploy.getTenant());
        assertEquals(List.of(), deploy.getScopes());
        assertEquals("organization:members:read,repository:contents:write,repository:metadata:read", deploy.getAttributes().get("permissions"));
        assertEquals("Deploy scripts", deploy.getAttributes().get("tokenName"));

        TokenLifecycleEvent noExpiry = lifecycle(r.get(1), 18);
        assertEquals("gh-token:25382", noExpiry.getTokenId(), "no token_id: the grant's id");
        assertNull(noExpiry.getExpiresAt(), "a token without expiry is one: EXPIRY_POLICY_VIOLATION is meant");
    }

    @Test
    void classicTokensAreIssuedAndTheSecretFragmentIsNeverRead() {
        InventoryAdapter g = github();
        List<LineResult> r = parse(g, "inventory/github-classic.json");
        assertEquals(1, r.size(), r::toString);
        TokenLifecycleEvent laptop = lifecycle(r.get(0), 2);
        assertEquals("gh-token:161195", laptop.getTokenId());
        assertEquals(Instant.parse("2026-03-01T08:00:00Z"), laptop.getExpiresAt());
        assertEquals("repo,user", laptop.getAttributes().get("tokenScopes"));
        assertFalse(laptop.toString().contains("71c3fc11"), "token_last_eight is part of the secret");
        assertEquals(Map.of("credential authorization of a SSH key (not a token)", 1L), g.report().ignored());
    }

    @Test
    void aGitHubListingNeedsTheTenant() {
        List<LineResult> r = parse(new InventoryAdapter(InventoryAdapter.Kind.GITHUB_TOKENS, null, InputLimits.DEFAULTS),
                "inventory/github-classic.json");
        assertEquals("missing-field", ((LineResult.Rejected) r.get(0)).code());
    }
}
