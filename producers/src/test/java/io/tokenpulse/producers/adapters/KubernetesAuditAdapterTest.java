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

/** One test per mapping rule of {@link KubernetesAuditAdapter}, over audit.k8s.io/v1 events; every result asserted. */
class KubernetesAuditAdapterTest {
    private static final String TOKEN = "k8s:JTI=1f3c9a52-7b1e-4c2a-9d41-0c8e5b6a7f10";
    private static final String KUBELET = "k8s:X509SHA256=4f9d2c1b8a7e6d5c4b3a29181716151413121110f0e0d0c0b0a09080706050403";
    private static final String CHECKOUT = "system:serviceaccount:shop:checkout";

    private final KubernetesAuditAdapter adapter = new KubernetesAuditAdapter("prod-eu", InputLimits.DEFAULTS);
    private List<LineResult> r;

    @BeforeEach
    void read() {
        r = parse(adapter, "k8s/audit.log");
    }

    @Test
    void everyResultOfTheFixtureIsAccountedFor() {
        assertEquals(11, r.size(), () -> r.stream().map(Object::toString).collect(Collectors.joining("\n")));
        assertEquals(Map.of("missing-field", 1L), Results.rejectedByCode(r));
        assertEquals(Map.of(
                "stage RequestReceived (a request counts once, at ResponseComplete)", 1L,
                "no credential id (a legacy secret-based token, a certificate or an anonymous request)", 1L,
                "token request without its expiry (audit level Metadata logs neither request nor response)", 1L),
                adapter.report().ignored());
        assertEquals(Map.of("sourceIPs[0] is not an IP address", 1L), adapter.report().droppedFields());
    }

    @Test
    void aTokenRequestIssuesTheTokenWithItsExpiryAndTheCallerUsesItsOwnCredential() {
        TokenUsageEvent kubelet = usage(r.get(0), 2);
        assertEquals(KUBELET, kubelet.getTokenId());
        assertEquals("create:serviceaccounts/token", kubelet.getScope());
        assertEquals("system:node:node-1", kubelet.getPrincipal());
        TokenLifecycleEvent issued = lifecycle(r.get(1), 2);
        assertEquals(TOKEN, issued.getTokenId());
        assertEquals(LifecycleType.ISSUED, issued.getType());
        assertEquals("a02-6c1e-4d2f-9a7b-000000000000:issued", issued.getEventId());
        assertEquals(Instant.parse("2026-03-02T10:02:00.140Z"), issued.getOccurredAt());
        assertEquals(Instant.parse("2026-03-02T11:02:07Z"), issued.getExpiresAt(), "status.expirationTimestamp");
        assertEquals(CHECKOUT, issued.getPrincipal(), "as the token's own requests show user.username");
        assertEquals("shop", issued.getOwner());
        assertEquals("prod-eu", issued.getTenant());
        assertEquals("kubernetes", issued.getIssuer());
        assertEquals("Pod/checkout-7d9", issued.getAttributes().get("boundObject"));
        assertFalse(r.toString().contains("eyJ"), "status.token is never read");
    }

    @Test
    void requestsWithACredentialIdAreUsesScopedByVerbAndResource() {
        TokenUsageEvent get = usage(r.get(2), 3);
        assertEquals(TOKEN, get.getTokenId());
        assertEquals("a03-6c1e-4d2f-9a7b-000000000000", get.getEventId());
        assertEquals("get:pods", get.getScope());
        assertEquals(UsageOutcome.ALLOWED, get.getOutcome());
        assertEquals(CHECKOUT, get.getPrincipal());
        assertEquals("10.244.1.17", get.getSourceIp());
        assertEquals("shop", get.getResource());
        assertEquals(Instant.parse("2026-03-02T10:03:00.140Z"), get.getOccurredAt(), "stageTimestamp");

        TokenUsageEvent secrets = usage(r.get(3), 4);
        assertEquals("list:secrets", secrets.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, secrets.getOutcome(), "authorization forbade it");

        TokenUsageEvent notFound = usage(r.get(4), 5);
        assertEquals("get:apps/deployments", notFound.getScope());
        assertEquals("shop/gone", notFound.getResource());
        assertEquals(UsageOutcome.ALLOWED, notFound.getOutcome(), "404 answers an authorised request");

        assertEquals("get:/healthz", usage(r.get(5), 6).getScope(), "a non-resource URL, without its query");
    }

    @Test
    void aTokenRequestAtMetadataLevelIsAUseButNoIssue() {
        // line 7: a legacy token without a credential id: ignored. Line 8: alice's request is a use; its issue is ignored.
        TokenUsageEvent alice = usage(r.get(6), 8);
        assertEquals("k8s:JTI=77aa0000-1111-4222-8333-444455556666", alice.getTokenId());
        assertEquals("create:serviceaccounts/token", alice.getScope());
    }

    @Test
    void deletingTheBoundPodRevokesItsTokens() {
        usage(r.get(7), 9);
        TokenLifecycleEvent revoked = lifecycle(r.get(8), 9);
        assertEquals(TOKEN, revoked.getTokenId());
        assertEquals(LifecycleType.REVOKED, revoked.getType());
        assertEquals("its bound Pod was deleted", revoked.getReason());
        assertNull(revoked.getExpiresAt());
    }

    @Test
    void badEventsAreRejectedAndWebhookBatchesRead() {
        assertEquals("auditID is missing", rejected(r.get(9), 10, "missing-field").reason());
        TokenUsageEvent batched = usage(r.get(10), 11);
        assertEquals("a11-6c1e-4d2f-9a7b-000000000000", batched.getEventId());
        assertNull(batched.getSourceIp());
        assertEquals(TOKEN, batched.getTokenId());
    }

    @Test
    void withoutTenantTheClusterIsCalledKubernetes() {
        List<LineResult> d = parse(new KubernetesAuditAdapter(null, InputLimits.DEFAULTS), "k8s/audit.log");
        assertEquals("kubernetes", usage(d.get(2), 3).getTenant());
    }
}
