package io.tokenpulse.app.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.LifecycleType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant-scoped credentials on one instance, route by route: each credential reads its tenants only, lists are
 * filtered, and a token, posture or version of another tenant answers byte for byte like one that does not exist.
 * The audit log names the credential and never a token or another tenant. Forwarding: {@link PeerForwardingTest}.
 */
class TenantScopeTest {
    private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);
    static final String OPS = "ops-token-0123456789";
    static final String ACME = "acme-token-0123456789";
    static final String BOTH = "both-token-0123456789";
    static final String CREDENTIALS = """
            # name        sha256                                                            tenants
            ops           %s  *
            acme-analyst  %s  acme
            both          %s  acme,initech
            """.formatted(BearerAuth.sha256Hex(OPS), BearerAuth.sha256Hex(ACME), BearerAuth.sha256Hex(BOTH));

    @TempDir
    Path dir;

    private Pipeline pipeline;
    private QueryRoutes api;
    private final List<AuditLog.Entry> audit = new ArrayList<>();

    @BeforeEach
    void setUp() {
        pipeline = new Pipeline(dir);
        LocalStores stores = new LocalStores() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> partition(String store, int partition, boolean stale) {
                return pipeline.driver.getKeyValueStore(store);
            }
        };
        api = QueryApi.routes(new OneInstance(), stores, new Forwarder(Duration.ofSeconds(1)),
                pipeline.topics.keySerde().serializer(), BearerAuth.of(BearerAuth.parse(CREDENTIALS, "test")),
                PeerAuth.none(), audit::add, new Readiness(), () -> "# metrics\n", (route, status, nanos) -> { });
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
    }

    private ApiResponse get(String token, String path, String... query) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            q.computeIfAbsent(query[i], k -> new ArrayList<>()).add(query[i + 1]);
        }
        return api.handle(ApiRequest.get(QueryRoutes.PREFIX + path, q).withAuthorization("Bearer " + token));
    }

    private void issue(String id, String tenant, String version, Instant at) {
        pipeline.send(pipeline.topics.lifecycle(), id, Pipeline.lifecycle("i-" + id, id, LifecycleType.ISSUED, at)
                .setTenant(tenant).setOwner("team").setScopes(List.of("read")).setServiceVersion(version)
                .setExpiresAt(at.plus(Duration.ofDays(30))).build());
    }

    private void compromise(String id, String tenant, Instant at) {
        pipeline.send(pipeline.topics.lifecycle(), id, Pipeline.lifecycle("c-" + id, id, LifecycleType.COMPROMISED, at)
                .setTenant(tenant).setExposedAt(at.minusSeconds(60)).build());
    }

    private static void assertSameAnswer(ApiResponse expected, ApiResponse actual) {
        assertEquals(expected.status(), actual.status(), actual.bodyText());
        assertEquals(expected.headers(), actual.headers());
        assertEquals(expected.bodyText(), actual.bodyText());
    }

    @Test
    void aTokenOfAnotherTenantAnswersExactlyLikeAMissingOne() {
        Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
        ApiResponse beforeItExisted = get(ACME, "/tokens/tok-g");
        assertEquals(404, beforeItExisted.status());

        issue("tok-a", "acme", null, t);
        issue("tok-g", "globex", null, t);

        assertEquals(200, get(ACME, "/tokens/tok-a").status());
        assertEquals(200, get(OPS, "/tokens/tok-g").status());
        assertSameAnswer(beforeItExisted, get(ACME, "/tokens/tok-g"));
        assertEquals(200, get(BOTH, "/tokens/tok-a").status());
        assertSameAnswer(beforeItExisted, get(BOTH, "/tokens/tok-g"));
    }

    @Test
    void listsHoldTheCallersTenantsOnly() {
        Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
        issue("tok-a1", "acme", null, t);
        issue("tok-a2", "acme", null, t);
        issue("tok-g1", "globex", null, t);
        issue("tok-i1", "initech", null, t);
        compromise("tok-a1", "acme", t.plusSeconds(60));
        compromise("tok-g1", "globex", t.plusSeconds(60));

        assertEquals(List.of("tok-a1", "tok-a2"), ids(get(ACME, "/tokens"), "tokens"));
        assertEquals(List.of("tok-a1", "tok-a2", "tok-i1"), ids(get(BOTH, "/tokens"), "tokens"));
        assertEquals(List.of("tok-a1", "tok-a2", "tok-g1", "tok-i1"), ids(get(OPS, "/tokens"), "tokens"));
        // Asking for another tenant by name is asking for a tenant without tokens
        assertSameAnswer(get(ACME, "/tokens", "tenant", "nobody"), get(ACME, "/tokens", "tenant", "globex"));
        assertEquals(List.of(), ids(get(ACME, "/tokens", "status", "compromised", "tenant", "globex"), "tokens"));

        assertEquals(List.of("tok-a1"), ids(get(ACME, "/incidents"), "incidents"));
        assertEquals(List.of("tok-a1", "tok-g1"), ids(get(OPS, "/incidents"), "incidents"));
        assertSameAnswer(get(ACME, "/incidents", "tenant", "nobody"), get(ACME, "/incidents", "tenant", "globex"));
    }

    @Test
    void versionsHoldTheCallersTenantsOnly() {
        Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
        issue("b-a", "acme", "1.0", t);
        issue("b-g", "globex", "2.0", t);

        JsonNode acme = Json.parse(get(ACME, "/services/checkout/versions").body());
        assertEquals(1, acme.path("versions").size(), acme.toString());
        assertEquals("acme", acme.path("versions").get(0).path("tenant").asText());
        assertEquals(2, Json.parse(get(OPS, "/services/checkout/versions").body()).path("versions").size());
        assertSameAnswer(get(ACME, "/services/checkout/versions", "tenant", "nobody"),
                get(ACME, "/services/checkout/versions", "tenant", "globex"));
        assertFalse(get(ACME, "/services/checkout/versions").bodyText().contains("b-g"));
    }

    @Test
    void postureOfAnotherTenantAnswersLikeATenantWithoutPosture() {
        // (A posture that exists, read in and out of scope across two instances: QueryIT.)
        ApiResponse missing = get(OPS, "/tenants/globex/posture");
        assertEquals(404, missing.status());
        assertSameAnswer(missing, get(ACME, "/tenants/globex/posture"));
        assertEquals(404, get(ACME, "/tenants/acme/posture").status());
    }

    @Test
    void metricsNeedACredentialOfEveryTenant() {
        assertEquals(403, get(ACME, "/metrics").status());
        assertEquals(200, get(OPS, "/metrics").status());
        assertEquals(401, get("wrong-token", "/metrics").status());
    }

    @Test
    void theAuditLogNamesTheCredentialRouteTenantAndOutcomeButNoTokenNorOtherTenant() {
        Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
        issue("tok-a", "acme", null, t);
        issue("tok-secret-of-globex", "globex", null, t);

        get(ACME, "/tokens/tok-a");
        get(ACME, "/tokens/tok-secret-of-globex");
        get(ACME, "/tenants/globex/posture");
        get(ACME, "/tokens", "tenant", "acme");
        get(ACME, "/metrics");
        get("not-a-token", "/tokens");
        get(OPS, "/tokens/tok-secret-of-globex");

        assertEquals(7, audit.size(), audit.toString());
        assertEquals(new AuditLog.Entry("acme-analyst", "GET", "/api/v1/tokens/{tokenId}", "acme", "allowed", 200, false, "-"), audit.get(0));
        assertEquals(new AuditLog.Entry("acme-analyst", "GET", "/api/v1/tokens/{tokenId}", "-", "not_found", 404, false, "-"), audit.get(1));
        assertEquals(new AuditLog.Entry("acme-analyst", "GET", "/api/v1/tenants/{tenant}/posture", "(out of scope)", "not_found", 404, false, "-"),
                audit.get(2));
        assertEquals(new AuditLog.Entry("acme-analyst", "GET", "/api/v1/tokens", "acme", "allowed", 200, false, "-"), audit.get(3));
        assertEquals(new AuditLog.Entry("acme-analyst", "GET", "/api/v1/metrics", "*", "forbidden", 403, false, "-"), audit.get(4));
        assertEquals(new AuditLog.Entry("unauthenticated", "GET", "/api/v1/tokens", "-", "unauthenticated", 401, false, "-"), audit.get(5));
        assertEquals(new AuditLog.Entry("ops", "GET", "/api/v1/tokens/{tokenId}", "globex", "allowed", 200, false, "-"), audit.get(6));
        for (AuditLog.Entry e : audit.subList(0, 6)) {
            String line = e.line();
            for (String forbidden : List.of(ACME, OPS, "not-a-token", "tok-secret-of-globex", "globex", "tok-a ")) {
                assertFalse(line.contains(forbidden), line + " holds " + forbidden);
            }
        }
        assertEquals("who=ops method=GET route=/api/v1/tokens/{tokenId} tenant=globex outcome=allowed status=200"
                + " forwarded=false remote=-", audit.get(6).line());
        assertEquals("a%0Ab%20c", AuditLog.Entry.clean("a\nb c"));
    }

    @Test
    void credentialFilesAreStrict() {
        List<BearerAuth.Credential> ok = BearerAuth.parse(CREDENTIALS, "f");
        assertEquals(List.of("ops", "acme-analyst", "both"), ok.stream().map(BearerAuth.Credential::name).toList());
        assertEquals(null, ok.get(0).tenants());
        assertEquals(Set.of("acme", "initech"), ok.get(2).tenants());
        String hash = BearerAuth.sha256Hex("x");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> BearerAuth.parse("a " + "the-token-itself" + " acme", "f"));
        assertTrue(bad.getMessage().contains("f line 1"), bad.getMessage());
        assertFalse(bad.getMessage().contains("the-token-itself"), "a pasted token is not echoed");
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.parse("a " + hash, "f"));
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.parse("a " + hash + " acme,*", "f"));
        assertThrows(IllegalArgumentException.class, () -> BearerAuth.of(BearerAuth.parse("a " + hash + " *\na " + hash + " b", "f")));
        // A forwarded scope round-trips, commas in tenant names included
        Caller c = new Caller("x", Set.of("a,b", "c d"));
        assertEquals(c, Caller.fromScopeHeader("x", c.scopeHeader()));
        assertTrue(Caller.fromScopeHeader("x", "*").allTenants());
        assertFalse(Caller.fromScopeHeader("x", "").mayRead("a"));
    }

    private static List<String> ids(ApiResponse r, String field) {
        assertEquals(200, r.status(), r.bodyText());
        List<String> out = new ArrayList<>();
        Json.parse(r.body()).path(field).forEach(n -> out.add(n.path("tokenId").asText()));
        return new ArrayList<>(new TreeSet<>(out));
    }

    /** One instance that holds everything. */
    static final class OneInstance implements Cluster {
        @Override
        public boolean running() {
            return true;
        }

        @Override
        public HostInfo self() {
            return SELF;
        }

        @Override
        public KeyLocation locate(String store, String key, Serializer<String> keySerializer) {
            return new KeyLocation(0, SELF, Set.of());
        }

        @Override
        public KeyLocation locate(String store, String key, StreamPartitioner<String, ?> partitioner) {
            return new KeyLocation(0, SELF, Set.of());
        }

        @Override
        public Set<Integer> activePartitions(String store, HostInfo host) {
            return Set.of(0);
        }

        @Override
        public List<HostInfo> instances(String store) {
            return List.of(SELF);
        }
    }
}
