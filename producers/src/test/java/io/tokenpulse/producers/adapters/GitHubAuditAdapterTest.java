package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.lifecycle;
import static io.tokenpulse.producers.adapters.Results.parse;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static io.tokenpulse.producers.adapters.Results.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One test per mapping rule of {@link GitHubAuditAdapter}, over a fixture written from GitHub's documented fields; every result asserted. */
class GitHubAuditAdapterTest {
    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");
    private static final String HASH = "gh-hash:+c7Iz8LEKNhhsSxDJ6F/b9b7Y91WyOS5MpbWqRsdzWc=";

    private final GitHubAuditAdapter adapter = new GitHubAuditAdapter();
    private List<LineResult> r;

    @BeforeEach
    void read() {
        r = parse(adapter, "github/audit-stream.jsonl");
    }

    private static Instant minute(int i) {
        return T.plusSeconds(60L * i);
    }

    @Test
    void everyResultOfTheFixtureIsAccountedFor() {
        assertEquals(14, r.size(), () -> r.stream().map(Object::toString).collect(Collectors.joining("\n")));
        assertEquals(Map.of("missing-field", 2L, "not-json", 1L, "secret-shaped-id", 1L), Results.rejectedByCode(r));
        assertEquals(Map.of(
                "a token but no programmatic_access_type", 1L,
                "no token (a web session or no authentication)", 1L,
                "token grant without its expiry (personal_access_token.access_granted): import the token listing to know it", 1L),
                adapter.report().ignored());
        assertEquals(Map.of("actor_ip is not an IP address", 1L), adapter.report().droppedFields());
    }

    @Test
    void aTokenUseIsKeyedByTokenIdAndItsScopeIsTheAction() {
        TokenUsageEvent clone = usage(r.get(0), 1);
        assertEquals("doc-01", clone.getEventId());
        assertEquals("gh-token:1001", clone.getTokenId(), "token_id wins over hashed_token");
        assertEquals("acme-ent", clone.getTenant(), "an enterprise stream: the business is the tenant");
        assertEquals(minute(1), clone.getOccurredAt());
        assertEquals("git.clone", clone.getScope());
        assertEquals(UsageOutcome.ALLOWED, clone.getOutcome());
        assertEquals("mona", clone.getPrincipal());
        assertEquals("203.0.113.1", clone.getSourceIp());
        assertEquals("git/2.45.1", clone.getUserAgent());
        assertEquals("acme/api", clone.getResource());
        assertNull(clone.getRegion());
    }

    @Test
    void anApiRequestIsScopedByMethodAndRouteAndItsStatusGivesTheOutcome() {
        TokenUsageEvent hooks = usage(r.get(1), 2);
        assertEquals("gh-token:2002", hooks.getTokenId());
        assertEquals("GET /repositories/:repository_id/hooks", hooks.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, hooks.getOutcome(), "403");

        TokenUsageEvent unknown = usage(r.get(2), 3);
        assertEquals(HASH, unknown.getTokenId(), "no token_id: the SHA-256 of the token identifies it");
        assertEquals(UsageOutcome.DENIED_UNKNOWN, unknown.getOutcome(), "401");

        TokenUsageEvent app = usage(r.get(3), 4);
        assertEquals("gh-token:3003", app.getTokenId(), "a token_id written as a string");
        assertEquals(UsageOutcome.DENIED_OTHER, app.getOutcome(), "404");
        assertNull(app.getSourceIp(), "'unknown' is left out");
    }

    @Test
    void aGrantIssuesOnlyWhenItStatesTheExpiry() {
        // line 5: a web session creating a repository: ignored (counted above).
        TokenLifecycleEvent granted = lifecycle(r.get(4), 6);
        assertEquals("doc-06:issued", granted.getEventId());
        assertEquals("gh-token:2002", granted.getTokenId());
        assertEquals(LifecycleType.ISSUED, granted.getType());
        assertEquals(Instant.parse("2026-05-31T00:00:00Z"), granted.getExpiresAt());
        assertEquals("mona", granted.getOwner());
        assertEquals("mona", granted.getPrincipal());
        assertEquals("github", granted.getIssuer());
        assertEquals(List.of(), granted.getScopes());
        assertEquals("Fine-grained personal access token", granted.getAttributes().get("programmaticAccessType"));
        // line 7: the same grant without an expiry: ignored, not issued as never-expiring.
    }

    @Test
    void revocationsRevokeAndALeakIsACompromise() {
        TokenLifecycleEvent revoked = lifecycle(r.get(5), 8);
        assertEquals(LifecycleType.REVOKED, revoked.getType());
        assertEquals("gh-token:2002", revoked.getTokenId());
        assertEquals("personal_access_token.access_revoked", revoked.getReason());
        assertNull(revoked.getPrincipal());

        TokenLifecycleEvent oauth = lifecycle(r.get(6), 9);
        assertEquals(LifecycleType.REVOKED, oauth.getType());
        assertEquals("gh-token:4004", oauth.getTokenId());

        TokenLifecycleEvent leaked = lifecycle(r.get(7), 10);
        assertEquals(LifecycleType.COMPROMISED, leaked.getType());
        assertEquals("doc-10:compromised", leaked.getEventId());
        TokenLifecycleEvent leakRevoked = lifecycle(r.get(8), 10);
        assertEquals(LifecycleType.REVOKED, leakRevoked.getType());
        assertEquals("doc-10:revoked", leakRevoked.getEventId());
        assertEquals("gh-token:5005", leakRevoked.getTokenId());
    }

    @Test
    void scopesTheTokenHoldsAreAnAttributeNeverSpecScopes() {
        TokenLifecycleEvent granted = lifecycle(r.get(4), 6);
        assertFalse(granted.getAttributes().containsKey("tokenScopes"), "the grant event names none");
        assertEquals(List.of(), granted.getScopes());
    }

    @Test
    void badEventsAreRejectedByReasonWithoutEchoingASecret() {
        assertEquals("_document_id is missing", rejected(r.get(9), 11, "missing-field").reason());
        LineResult.Rejected secret = rejected(r.get(10), 12, "secret-shaped-id");
        assertFalse(secret.reason().contains("FAKEFORTESTS"), secret.reason());
        assertEquals("not JSON: 28 characters outside any object", rejected(r.get(11), 13, "not-json").reason());
        assertEquals("no tenant: neither business nor org is set (pass --tenant)", rejected(r.get(12), 14, "missing-field").reason());
    }

    @Test
    void createdAtAsIsoTimeIsTheTimeWhenTimestampIsAbsent() {
        TokenUsageEvent push = usage(r.get(13), 15);
        assertEquals(Instant.parse("2026-03-02T10:15:00.250Z"), push.getOccurredAt());
        assertEquals("git.push", push.getScope());
    }

    @Test
    void aRestApiPageIsTheSameEventsAsTheStream() {
        List<LineResult> page = parse(new GitHubAuditAdapter(), "github/audit-rest-page.json");
        assertEquals(Results.events(r.subList(0, 2)), Results.events(page));
        assertEquals(Map.of(), Results.rejectedByCode(page));
    }

    @Test
    void tenantOptionReplacesTheBusinessAndOrg() {
        List<LineResult> t = parse(new GitHubAuditAdapter("gh-prod", InputLimits.DEFAULTS), "github/audit-stream.jsonl");
        assertEquals("gh-prod", usage(t.get(0), 1).getTenant());
        assertEquals("gh-prod", usage(t.get(12), 14).getTenant(), "the event without an org is now kept");
    }
}
