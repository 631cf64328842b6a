package io.tokenpulse.app.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tokenpulse.app.Pipeline;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.LifecycleType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real instances of the API (Jetty, real sockets, TLS) over two topologies: tokens whose id starts with "b-" live
 * on B, the rest on A. Forwarded lookups and fan-outs keep the caller's tenant scope; the caller's token never leaves
 * the instance it reached; a client cannot pass as a peer; TLS is served, checked between peers and reloaded; with
 * auth off the Host header must be a loopback name.
 */
class PeerForwardingTest {
    private static final String SECRET = "peer-forwarding-test-instance-secret";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** One instance: its own pipeline (stores), server and routes; {@code peers} filled once both are bound. */
    private final class Instance {
        final Pipeline pipeline;
        final QueryServer server;
        final Map<String, HostInfo> hosts = new ConcurrentHashMap<>();
        final List<AuditLog.Entry> audit = new ArrayList<>();

        Instance(String name, Map<String, String> security) throws Exception {
            pipeline = new Pipeline(Files.createDirectories(dir.resolve(name)));
            closing.add(pipeline);
            server = QueryServer.bind(new AppConfig.Query(true, "127.0.0.1", 0, "", List.of(), security));
            closing.add(server);
        }

        void serve(HostInfo a, HostInfo b) {
            HostInfo self = server.advertised();
            LocalStores stores = new LocalStores() {
                @Override
                public <K, V> ReadOnlyKeyValueStore<K, V> partition(String store, int partition, boolean stale) {
                    return pipeline.driver.getKeyValueStore(store);
                }
            };
            Cluster cluster = new Cluster() {
                @Override
                public boolean running() {
                    return true;
                }

                @Override
                public HostInfo self() {
                    return self;
                }

                @Override
                public KeyLocation locate(String store, String key, Serializer<String> keySerializer) {
                    return new KeyLocation(key.startsWith("b-") ? 1 : 0, key.startsWith("b-") ? b : a, Set.of());
                }

                @Override
                public KeyLocation locate(String store, String key, StreamPartitioner<String, ?> partitioner) {
                    return locate(store, key, (Serializer<String>) null);
                }

                @Override
                public Set<Integer> activePartitions(String store, HostInfo host) {
                    return host.equals(a) ? Set.of(0) : Set.of(1);
                }

                @Override
                public List<HostInfo> instances(String store) {
                    return a.equals(b) ? List.of(a) : List.of(a, b);
                }
            };
            ApiSecurity security = server.security();
            server.serve(QueryApi.routes(cluster, stores, security.forwarder(Duration.ofSeconds(5)),
                    pipeline.topics.keySerde().serializer(), security.auth(), security.peer(),
                    e -> {
                        synchronized (audit) {
                            audit.add(e);
                        }
                    }, new Readiness(), () -> "", (r, s, n) -> { }));
        }

        void issue(String id, String tenant) {
            Instant t = Pipeline.NOW.minus(Duration.ofHours(1));
            pipeline.send(pipeline.topics.lifecycle(), id, Pipeline.lifecycle("i-" + id, id, LifecycleType.ISSUED, t)
                    .setTenant(tenant).setScopes(List.of("read")).setServiceVersion("v-" + id)
                    .setExpiresAt(t.plus(Duration.ofDays(30))).build());
            pipeline.send(pipeline.topics.lifecycle(), id, Pipeline.lifecycle("c-" + id, id, LifecycleType.COMPROMISED,
                    t.plusSeconds(60)).setTenant(tenant).setServiceVersion("v-" + id).build());
        }
    }

    private Map<String, String> security(boolean tls) throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, TenantScopeTest.CREDENTIALS);
        Map<String, String> s = new HashMap<>(Map.of(AppConfig.QUERY_AUTH_CREDENTIALS, credentials.toString(),
                AppConfig.QUERY_PEER_SECRET, SECRET));
        if (tls) {
            Path keystore = dir.resolve("api.p12");
            if (!Files.exists(keystore)) {
                TestCerts.keyStore(keystore, "tokenpulse-api");
                TestCerts.trustStore(dir.resolve("trust.p12"), keystore);
            }
            s.putAll(Map.of(ApiSecurity.KEYSTORE, keystore.toString(), ApiSecurity.KEYSTORE_PASSWORD, TestCerts.PASSWORD,
                    ApiSecurity.TRUSTSTORE, dir.resolve("trust.p12").toString(), ApiSecurity.TRUSTSTORE_PASSWORD, TestCerts.PASSWORD));
        }
        return s;
    }

    private Instance[] pair(boolean tls) throws Exception {
        Instance a = new Instance("a", security(tls));
        Instance b = new Instance("b", security(tls));
        a.serve(a.server.advertised(), b.server.advertised());
        b.serve(a.server.advertised(), b.server.advertised());
        return new Instance[] {a, b};
    }

    private static HttpResponse<String> get(HttpClient http, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    @Test
    void forwardedLookupsAndListsKeepTheCallersTenantsOverTls() throws Exception {
        Instance[] ab = pair(true);
        Instance a = ab[0];
        Instance b = ab[1];
        HttpClient http = HttpClient.newBuilder().sslContext(TestCerts.trusting(dir.resolve("api.p12"))).build();
        String urlA = a.server.url() + QueryRoutes.PREFIX;
        assertTrue(urlA.startsWith("https://127.0.0.1:"), urlA);
        HttpResponse<String> beforeItExisted = get(http, urlA + "/tokens/b-g", bearer(TenantScopeTest.ACME));
        assertEquals(404, beforeItExisted.statusCode(), beforeItExisted.body());

        a.issue("a-acme", "acme");
        a.issue("a-globex", "globex");
        b.issue("b-acme", "acme");
        b.issue("b-g", "globex");

        // A lookup A forwards to B: the caller's own tenant answers, another tenant's token is "missing"
        HttpResponse<String> own = get(http, urlA + "/tokens/b-acme", bearer(TenantScopeTest.ACME));
        assertEquals(200, own.statusCode(), own.body());
        HttpResponse<String> other = get(http, urlA + "/tokens/b-g", bearer(TenantScopeTest.ACME));
        assertEquals(beforeItExisted.statusCode(), other.statusCode());
        assertEquals(beforeItExisted.body(), other.body());
        assertEquals(200, get(http, urlA + "/tokens/b-g", bearer(TenantScopeTest.OPS)).statusCode());

        // A fan-out: B answers its share within the caller's scope
        assertEquals(List.of("a-acme", "b-acme"), ids(get(http, urlA + "/tokens", bearer(TenantScopeTest.ACME)).body()));
        assertEquals(List.of("a-acme", "a-globex", "b-acme", "b-g"), ids(get(http, urlA + "/tokens", bearer(TenantScopeTest.OPS)).body()));

        // Incidents and versions fan out too, and come back within the caller's tenants
        JsonNode incidents = Json.parse(get(http, urlA + "/incidents", bearer(TenantScopeTest.ACME)).body().getBytes(StandardCharsets.UTF_8));
        assertEquals(2, incidents.path("total").asInt(), incidents.toString());
        incidents.path("incidents").forEach(i -> assertEquals("acme", i.path("tenant").asText()));
        assertEquals(4, Json.parse(get(http, urlA + "/incidents", bearer(TenantScopeTest.OPS)).body().getBytes(StandardCharsets.UTF_8))
                .path("total").asInt());
        JsonNode versions = Json.parse(get(http, urlA + "/services/checkout/versions", bearer(TenantScopeTest.ACME)).body()
                .getBytes(StandardCharsets.UTF_8));
        List<String> bound = new ArrayList<>();
        versions.path("versions").forEach(v -> {
            assertEquals("acme", v.path("tenant").asText());
            bound.addAll(ids(v.path("tokens")));
        });
        assertEquals(List.of("a-acme", "b-acme"), bound, versions.toString());
        assertEquals(4, Json.parse(get(http, urlA + "/services/checkout/versions", bearer(TenantScopeTest.OPS)).body()
                .getBytes(StandardCharsets.UTF_8)).path("versions").size());
        // Posture lives on A (the tenant's partition) and is asked of B, which forwards: globex's exists, but for acme's
        // analyst it is answered exactly as a tenant without posture is
        String posture = b.server.url() + QueryRoutes.PREFIX + "/tenants/";
        HttpResponse<String> globexForOps = get(http, posture + "globex/posture", bearer(TenantScopeTest.OPS));
        assertEquals(200, globexForOps.statusCode(), globexForOps.body());
        HttpResponse<String> globexForAcme = get(http, posture + "globex/posture", bearer(TenantScopeTest.ACME));
        HttpResponse<String> nobody = get(http, posture + "nobody/posture", bearer(TenantScopeTest.OPS));
        assertEquals(404, nobody.statusCode());
        assertEquals(nobody.statusCode(), globexForAcme.statusCode());
        assertEquals(nobody.body().replace("nobody", "globex"), globexForAcme.body());
        assertEquals(200, get(http, posture + "acme/posture", bearer(TenantScopeTest.ACME)).statusCode());

        // B saw the forwarded requests as the caller's name, via the peer
        List<AuditLog.Entry> forwarded;
        synchronized (b.audit) {
            forwarded = b.audit.stream().filter(AuditLog.Entry::forwarded).toList();
        }
        assertFalse(forwarded.isEmpty());
        assertTrue(forwarded.stream().anyMatch(e -> e.who().equals("acme-analyst") && e.status() == 404), forwarded.toString());
        assertTrue(forwarded.stream().allMatch(e -> e.remote().equals("127.0.0.1")), forwarded.toString());
    }

    @Test
    void theCallersTokenNeverLeavesTheInstanceItReached() throws Exception {
        // B is a recorder that answers like a peer; A forwards a lookup of a "b-" token to it
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        HttpServer recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        recorder.createContext("/", ex -> {
            ex.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(), v));
            byte[] body = "{\"tokenId\":\"b-1\",\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        recorder.start();
        closing.add(() -> recorder.stop(0));
        Instance a = new Instance("a", security(false));
        HostInfo b = new HostInfo("127.0.0.1", recorder.getAddress().getPort());
        a.serve(a.server.advertised(), b);

        HttpResponse<String> r = get(HttpClient.newHttpClient(), a.server.url() + QueryRoutes.PREFIX + "/tokens/b-1",
                bearer(TenantScopeTest.BOTH));
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(seen.containsKey("authorization"), seen.toString());
        assertFalse(seen.toString().contains(TenantScopeTest.BOTH), seen.toString());
        assertEquals(List.of(SECRET), seen.get("x-tokenpulse-peer"));
        assertEquals(List.of("acme,initech"), seen.get("x-tokenpulse-scope"));
        assertEquals(List.of("both"), seen.get("x-tokenpulse-caller"));
        assertEquals(List.of("active"), seen.get("x-tokenpulse-forwarded"));
    }

    @Test
    void aClientCannotPassAsAPeer() throws Exception {
        Instance[] ab = pair(false);
        Instance b = ab[1];
        b.issue("b-g", "globex");
        HttpClient http = HttpClient.newHttpClient();
        String url = b.server.url() + QueryRoutes.PREFIX + "/tokens/b-g";
        assertEquals(200, get(http, url, bearer(TenantScopeTest.OPS)).statusCode());
        // The forwarding header with a valid bearer token, with a guessed secret, with a forged scope: all refused
        for (Map<String, String> headers : List.of(
                Map.of("Authorization", "Bearer " + TenantScopeTest.ACME, Forwarder.HEADER, "stale"),
                Map.of(Forwarder.HEADER, "active", PeerAuth.SECRET_HEADER, "guess", PeerAuth.SCOPE_HEADER, "*"),
                Map.of(Forwarder.HEADER, "active", PeerAuth.SCOPE_HEADER, "*", PeerAuth.CALLER_HEADER, "ops"))) {
            HttpResponse<String> r = get(http, url, headers);
            assertEquals(401, r.statusCode(), headers + ": " + r.body());
            assertFalse(r.body().contains("globex"), r.body());
        }
        // A peer secret with an empty scope reads nothing
        HttpResponse<String> noScope = get(http, url, Map.of(Forwarder.HEADER, "active", PeerAuth.SECRET_HEADER, SECRET));
        assertEquals(404, noScope.statusCode(), noScope.body());
        // And an instance with bearer auth but no secret refuses every forwarded request
        Map<String, String> noSecret = new HashMap<>(security(false));
        noSecret.remove(AppConfig.QUERY_PEER_SECRET);
        Instance lone = new Instance("lone", noSecret);
        lone.serve(lone.server.advertised(), lone.server.advertised());
        assertEquals(403, get(http, lone.server.url() + QueryRoutes.PREFIX + "/tokens/x",
                Map.of(Forwarder.HEADER, "active", PeerAuth.SECRET_HEADER, SECRET)).statusCode());
    }

    @Test
    void tlsIsServedCheckedBetweenPeersAndReloaded() throws Exception {
        Instance[] ab = pair(true);
        Instance a = ab[0];
        a.issue("a-1", "acme");
        String url = a.server.url() + QueryRoutes.PREFIX + "/tokens/a-1";

        // Plain HTTP is not served; a client that does not trust the certificate cannot connect
        assertThrows(java.io.IOException.class, () -> get(HttpClient.newHttpClient(), url.replace("https://", "http://"), bearer(TenantScopeTest.OPS)));
        assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> get(HttpClient.newHttpClient(), url, bearer(TenantScopeTest.OPS)));
        HttpResponse<String> ok = get(HttpClient.newBuilder().sslContext(TestCerts.trusting(dir.resolve("api.p12"))).build(), url,
                bearer(TenantScopeTest.OPS));
        assertEquals(200, ok.statusCode());
        assertEquals("CN=tokenpulse-api", subject(ok));

        // A renewed key store is picked up without a restart
        Path original = Files.copy(dir.resolve("api.p12"), dir.resolve("original.p12"));
        Path renewed = TestCerts.keyStore(dir.resolve("renewed.p12"), "tokenpulse-api-renewed");
        Files.copy(renewed, dir.resolve("api.p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        a.server.rescanKeyStore();
        HttpResponse<String> after = get(HttpClient.newBuilder().sslContext(TestCerts.trusting(renewed)).build(), url,
                bearer(TenantScopeTest.OPS));
        assertEquals(200, after.statusCode());
        assertEquals("CN=tokenpulse-api-renewed", subject(after));

        // B's trust store holds the old certificate only: A's renewed one is refused, the lookup is a 503, not a leak
        HttpResponse<String> viaB = get(HttpClient.newBuilder().sslContext(TestCerts.trusting(original, renewed)).build(),
                ab[1].server.url() + QueryRoutes.PREFIX + "/tokens/a-1", bearer(TenantScopeTest.OPS));
        assertEquals(503, viaB.statusCode(), viaB.body());
    }

    private static String subject(HttpResponse<?> r) throws Exception {
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @Test
    void withAuthOffOnlyLoopbackHostNamesAreAnswered() throws Exception {
        QueryServer open = QueryServer.bind(new AppConfig.Query(true, "127.0.0.1", 0, "", List.of()));
        closing.add(open);
        open.serve(QueryApi.routes(new TenantScopeTest.OneInstance(), new LocalStores() {
            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> partition(String store, int partition, boolean stale) {
                throw ApiException.unavailable("no stores here");
            }
        }, new Forwarder(Duration.ofSeconds(1)), null, new BearerAuth(List.of()), new Readiness(), () -> "", (r, s, n) -> { }));
        int port = open.port();
        for (String host : List.of("localhost", "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST")) {
            assertEquals(200, rawStatus(port, host), host);
        }
        for (String host : List.of("evil.example", "127.evil.example", "127.0.0.1.nip.io:" + port, "localhost.evil.example",
                "127.0.0.2")) {
            assertEquals(403, rawStatus(port, host), host);
        }
        assertTrue(AppConfig.Query.isLoopback("127.0.0.2"));
        assertFalse(AppConfig.Query.isLoopback("127.evil.example"));
        assertFalse(AppConfig.Query.isLoopback("127.0.0.1.nip.io"));
    }

    /** The status of a GET of /health with exactly this Host header (the JDK client will not send a forged one). */
    private static int rawStatus(int port, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + QueryRoutes.PREFIX + "/health HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> ids(String body) {
        List<String> out = new ArrayList<>();
        Json.parse(body.getBytes(StandardCharsets.UTF_8)).path("tokens").forEach(t -> out.add(t.path("tokenId").asText()));
        return new ArrayList<>(new TreeSet<>(out));
    }
}
