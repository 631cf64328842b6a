package io.tokenpulse.app.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.LifecycleType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The API over the stores of a real topology (TopologyTestDriver), one instance: answers, their JSON shape,
 * parameter validation, pagination, auth and the OpenAPI description. Routing between instances is QueryIT's.
 */
class QueryApiTest {
    private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);
    private static final String SECRET = "s3cret-query-token";

    @TempDir
    Path dir;

    private Pipeline pipeline;
    private FakeCluster cluster;
    private QueryRoutes api;

    @BeforeEach
    void setUp() {
        pipeline = new Pipeline(dir);
        cluster = new FakeCluster();
        api = routes(new BearerAuth(List.of()));
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
    }

    private QueryRoutes routes(BearerAuth auth) {
        LocalStores stores = new LocalStores() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> partition(String store, int partition, boolean stale) {
                return pipeline.driver.getKeyValueStore(store);
            }
        };
        Readiness readiness = new Readiness();
        return QueryApi.routes(cluster, stores, new Forwarder(Duration.ofSeconds(1)), pipeline.topics.keySerde().serializer(),
                auth, readiness, () -> "# metrics\n", (route, status, nanos) -> { });
    }

    private ApiResponse get(String path, String... query) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (int i = 0; i < query.length; i += 2) {
            q.computeIfAbsent(query[i], k -> new ArrayList<>()).add(query[i + 1]);
        }
        return api.handle(ApiRequest.get(QueryRoutes.PREFIX + path, q));
    }

    private static JsonNode json(ApiResponse r) {
        return Json.parse(r.body());
    }

    private void issue(String id, String tenant, String owner, Instant at, boolean expires) {
        var e = Pipeline.lifecycle("i-" + id, id, LifecycleType.ISSUED, at).setTenant(tenant).setOwner(owner)
                .setScopes(List.of("repo:read", "repo:write"));
        if (expires) {
            e.setExpiresAt(at.plus(Duration.ofDays(30)));
        }
        pipeline.send(pipeline.topics.lifecycle(), id, e.build());
    }

    @Test
    void aTokenShowsItsLifecycleScopesSourcesConditionsAndIncident() {
        // Given a token without expiry, used in one of its two scopes, then reported compromised
        Instant t = Pipeline.NOW.minus(Duration.ofHours(2));
        issue("tok-1", "acme", "payments", t, false);
        pipeline.send(pipeline.topics.usage(), "tok-1", Pipeline.usage("u1", "tok-1", t.plusSeconds(60))
                .setSourceIp("10.1.2.3").setUserAgent("curl/8").build());
        pipeline.send(pipeline.topics.lifecycle(), "tok-1", Pipeline.lifecycle("c1", "tok-1", LifecycleType.COMPROMISED,
                t.plusSeconds(120)).setExposedAt(t.plusSeconds(30)).build());

        // When it is asked for
        ApiResponse r = get("/tokens/tok-1");

        // Then every part is there, with ISO times
        assertEquals(200, r.status(), r.bodyText());
        JsonNode tok = json(r);
        assertEquals("tok-1", tok.path("tokenId").asText());
        assertEquals("acme", tok.path("tenant").asText());
        assertEquals("payments", tok.path("owner").asText());
        assertEquals("ACTIVE", tok.path("lifecycle").path("status").asText());
        assertEquals(t.toString(), tok.path("lifecycle").path("issuedAt").asText());
        assertTrue(tok.path("lifecycle").path("expiresAt").isNull());
        assertEquals(List.of("repo:read", "repo:write"), texts(tok.path("scopes").path("granted")));
        assertEquals(t.plusSeconds(60).toString(), tok.path("scopes").path("lastUseByScope").path("repo:read").asText());
        assertEquals(List.of("repo:write"), texts(tok.path("scopes").path("grantedNeverUsed")));
        assertEquals(t.plusSeconds(60).toString(), tok.path("lastUseAt").asText());
        assertEquals(1, tok.path("knownSources").path("networks").asInt());
        assertEquals(1, tok.path("knownSources").path("userAgents").asInt());
        assertEquals(t.toString(), tok.path("openConditions").path("EXPIRY_POLICY_VIOLATION").asText());
        JsonNode incident = tok.path("incident");
        assertEquals(t.plusSeconds(120).toString(), incident.path("detectedAt").asText());
        assertEquals(90_000, incident.path("timeToDetectMs").asLong());
        assertTrue(incident.path("open").asBoolean());
        assertFalse(tok.path("stale").asBoolean(true));
        assertFalse(tok.has("activity"), "internal bookkeeping stays out of the answer");

        // And the incident is listed, the unknown token is a 404
        JsonNode incidents = json(get("/incidents", "tenant", "acme"));
        assertEquals(1, incidents.path("open").asInt());
        assertEquals("tok-1", incidents.path("incidents").get(0).path("tokenId").asText());
        assertEquals(0, json(get("/incidents", "tenant", "other")).path("total").asInt());
        ApiResponse missing = get("/tokens/nope");
        assertEquals(404, missing.status());
        assertTrue(json(missing).path("error").asText().contains("nope"));
    }

    @Test
    void badParametersAre400WithTheReason() {
        assertBad(get("/tokens", "limit", "0"), "limit");
        assertBad(get("/tokens", "limit", "1001"), "limit");
        assertBad(get("/tokens", "limit", "ten"), "whole number");
        assertBad(get("/tokens", "status", "sleepy"), "unused, over-privileged, expiring, no-expiry, compromised, retired-version");
        assertBad(get("/tokens", "cursor", "%%%"), "cursor");
        assertBad(get("/tokens", "cursor", Cursor.encode("tok-1") + "="), "cursor");
        assertBad(get("/tokens", "tenant", " "), "tenant");
        assertBad(get("/tokens", "tenant", "x".repeat(300)), "longer than");
        assertBad(get("/tokens", "owner", "a", "owner", "b"), "given 2 times");
        assertBad(get("/tokens", "local", "maybe"), "local");
        assertBad(get("/incidents", "limit", "-1"), "limit");
        assertEquals(404, get("/nothing-here").status());
        assertEquals(405, api.handle(new ApiRequest("POST", QueryRoutes.PREFIX + "/tokens", Map.of(), Map.of(),
                Optional.empty(), Optional.empty())).status());
    }

    private static void assertBad(ApiResponse r, String reason) {
        assertEquals(400, r.status(), r.bodyText());
        assertTrue(json(r).path("error").asText().contains(reason), r.bodyText());
    }

    @Test
    void pagesWalkEveryMatchingTokenOnceInIdOrder() {
        // Given 25 tokens of two tenants, every third one without expiry
        Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
        Set<String> acme = new TreeSet<>();
        Set<String> acmeNoExpiry = new TreeSet<>();
        for (int i = 0; i < 25; i++) {
            String id = "tok-" + (char) ('a' + i % 26) + i;
            String tenant = i % 5 == 0 ? "globex" : "acme";
            issue(id, tenant, "payments", t, i % 3 != 0);
            if (tenant.equals("acme")) {
                acme.add(id);
                if (i % 3 == 0) {
                    acmeNoExpiry.add(id);
                }
            }
        }

        // When acme's tokens are read 7 at a time
        List<String> seen = pageThrough("acme", null, 7);

        // Then each once, sorted, and nothing of globex
        assertEquals(new ArrayList<>(acme), seen);
        assertEquals(new ArrayList<>(acmeNoExpiry), pageThrough("acme", "no-expiry", 2));
        assertEquals(List.of(), pageThrough("acme", "compromised", 5));
        // A page holding exactly the rest ends the walk: no cursor to an empty page
        JsonNode all = json(get("/tokens", "tenant", "acme", "limit", Integer.toString(acme.size())));
        assertEquals(acme.size(), all.path("count").asInt());
        assertTrue(all.path("nextCursor").isNull());
    }

    private List<String> pageThrough(String tenant, String status, int limit) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100; pages++) {
            List<String> q = new ArrayList<>(List.of("tenant", tenant, "limit", Integer.toString(limit)));
            if (status != null) {
                q.addAll(List.of("status", status));
            }
            if (cursor != null) {
                q.addAll(List.of("cursor", cursor));
            }
            ApiResponse r = get("/tokens", q.toArray(String[]::new));
            assertEquals(200, r.status(), r.bodyText());
            JsonNode page = json(r);
            assertTrue(page.path("count").asInt() <= limit);
            page.path("tokens").forEach(tok -> seen.add(tok.path("tokenId").asText()));
            if (page.path("nextCursor").isNull()) {
                return seen;
            }
            cursor = page.path("nextCursor").asText();
        }
        throw new AssertionError("no last page");
    }

    @Test
    void bearerAuthAcceptsOnlyATokenWhoseHashIsConfigured() {
        api = routes(new BearerAuth(List.of(BearerAuth.sha256Hex("another"), BearerAuth.sha256Hex(SECRET))));
        issue("tok-1", "acme", "payments", Pipeline.NOW.minusSeconds(60), true);
        ApiRequest request = ApiRequest.get(QueryRoutes.PREFIX + "/tokens/tok-1", Map.of());

        ApiResponse missing = api.handle(request);
        assertEquals(401, missing.status());
        assertEquals("Bearer realm=\"tokenpulse\"", missing.headers().get("WWW-Authenticate"));
        ApiResponse wrong = api.handle(request.withAuthorization("Bearer " + SECRET + "x"));
        assertEquals(401, wrong.status());
        assertFalse(wrong.bodyText().contains(SECRET), "a rejected token is not echoed");
        assertEquals(401, api.handle(request.withAuthorization("Basic " + SECRET)).status());
        assertEquals(401, api.handle(request.withAuthorization("Bearer ")).status());
        assertEquals(200, api.handle(request.withAuthorization("Bearer " + SECRET)).status());
        assertEquals(200, api.handle(request.withAuthorization("bearer " + SECRET)).status());
        // Metrics are protected too; probes and the description are not
        assertEquals(401, api.handle(ApiRequest.get(QueryRoutes.PREFIX + "/metrics", Map.of())).status());
        assertEquals(200, api.handle(ApiRequest.get(QueryRoutes.PREFIX + "/health", Map.of())).status());
        assertEquals(200, api.handle(ApiRequest.get(QueryRoutes.PREFIX + "/openapi.json", Map.of())).status());
    }

    @Test
    void whileTheInstanceIsNotRunningLookupsAre503WithRetryAfter() {
        issue("tok-1", "acme", "payments", Pipeline.NOW.minusSeconds(60), true);
        cluster.running = false;
        for (String path : List.of("/tokens/tok-1", "/tokens", "/incidents", "/services/checkout/versions", "/tenants/acme/posture", "/ready")) {
            ApiResponse r = get(path);
            assertEquals(503, r.status(), path + ": " + r.bodyText());
            assertEquals(Integer.toString(ApiException.RETRY_AFTER_SECONDS), r.headers().get("Retry-After"), path);
        }
        // A key whose owner Kafka Streams does not know is a 503 as well, not a 404
        cluster.running = true;
        cluster.unavailable = true;
        assertEquals(503, get("/tokens/tok-1").status());
    }

    @Test
    void versionsShowActiveBoundTokens() {
        Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            pipeline.send(pipeline.topics.lifecycle(), "b" + i, Pipeline.lifecycle("i-b" + i, "b" + i, LifecycleType.ISSUED, t)
                    .setExpiresAt(t.plus(Duration.ofDays(10))).setServiceVersion(i < 2 ? "1.4.2" : "1.5.0").build());
        }
        JsonNode v = json(get("/services/checkout/versions"));
        assertEquals("checkout", v.path("service").asText());
        Map<String, Integer> counts = new LinkedHashMap<>();
        v.path("versions").forEach(x -> counts.put(x.path("version").asText(), x.path("activeBoundTokens").asInt()));
        assertEquals(Map.of("1.4.2", 2, "1.5.0", 1), counts);
        assertEquals(0, json(get("/services/other/versions")).path("versions").size());
    }

    @Test
    void openApiDescribesExactlyTheRegisteredRoutes() {
        JsonNode doc = Json.parse(OpsResource.openApiBytes());
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
            // Every path parameter of the template is declared
            for (String segment : path.getKey().split("/")) {
                if (segment.startsWith("{")) {
                    String name = segment.substring(1, segment.length() - 1);
                    boolean declared = false;
                    for (JsonNode p : path.getValue().path("get").path("parameters")) {
                        declared |= p.path("name").asText().equals(name) && p.path("in").asText().equals("path");
                    }
                    assertTrue(declared, path.getKey() + " declares " + name);
                }
            }
        }
        Set<String> registered = new TreeSet<>();
        api.routes().forEach(r -> registered.add(r.method() + " " + r.template()));
        assertEquals(registered, documented);
        // And the open routes are exactly those documented without security
        for (QueryRoutes.Route r : api.routes()) {
            JsonNode security = doc.path("paths").path(r.template()).path(r.method().toLowerCase()).path("security");
            assertEquals(r.open(), security.isArray() && security.isEmpty(), r.template());
        }
        ApiResponse served = get("/openapi.json");
        assertEquals(new String(OpsResource.openApiBytes(), StandardCharsets.UTF_8), served.bodyText());
    }

    @Test
    void cursorsRoundTripAndRefuseForgeries() {
        assertEquals("tok/é 1", Cursor.decode(Cursor.encode("tok/é 1")));
        assertNotNull(Cursor.encode("x"));
        assertEquals(400, assertThrowsApi(() -> Cursor.decode("")).status());
        assertEquals(400, assertThrowsApi(() -> Cursor.decode("a b")).status());
    }

    private static ApiException assertThrowsApi(Runnable r) {
        try {
            r.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("no ApiException");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** One instance that holds everything, unless told it is not running or the key's owner is unknown. */
    private static final class FakeCluster implements Cluster {
        boolean running = true;
        boolean unavailable;

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public HostInfo self() {
            return SELF;
        }

        @Override
        public KeyLocation locate(String store, String key, Serializer<String> keySerializer) {
            if (unavailable) {
                throw ApiException.unavailable("rebalancing");
            }
            return new KeyLocation(0, SELF, Set.of());
        }

        @Override
        public KeyLocation locate(String store, String key, StreamPartitioner<String, ?> partitioner) {
            return locate(store, key, (Serializer<String>) null);
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
