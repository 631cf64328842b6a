package io.tokenpulse.cli.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.query.BearerAuth;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of one application in this JVM on the real broker, topics of 12 partitions: every token answers
 * the same from either instance (one answers locally, the other forwards), list queries give the union exactly
 * once, and while one instance stops, answers are right, stale-marked or 503 with Retry-After, never wrong.
 */
class QueryIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final int TOKENS = 500;
    private static final String API_TOKEN = "query-it-bearer";
    private static final String TENANT1_TOKEN = "query-it-tenant-1-analyst";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void bothInstancesAnswerEveryTokenAndListsAreTheUnionExactlyOnce() throws Exception {
        Path credentials = java.nio.file.Files.writeString(dir.resolve("credentials"),
                "tenant-1-analyst " + BearerAuth.sha256Hex(TENANT1_TOKEN) + " tenant-1\n");
        StackApp stack = new StackApp(STACK, "query", dir.resolve("a"), 12, Map.of(
                AppConfig.QUERY_AUTH_SHA256, BearerAuth.sha256Hex(API_TOKEN),
                AppConfig.QUERY_AUTH_CREDENTIALS, credentials.toString(),
                // The instances authenticate each other with their own secret: the caller's token is not forwarded.
                AppConfig.QUERY_PEER_SECRET, "query-it-instance-secret-0123456789",
                // A standby of each partition on the other instance: the stale path has a copy to read.
                "streams.num.standby.replicas", "1"));
        AppConfig configB = stack.configWith(Map.of(AppConfig.STATE_DIR, dir.resolve("b").toString()));
        Set<String> ids = new TreeSet<>();
        Set<String> noExpiry = new TreeSet<>();
        Set<String> compromised = new TreeSet<>();
        publish(stack, ids, noExpiry, compromised);

        TokenPulseApp a = TokenPulseApp.create(stack.config).start();
        TokenPulseApp b = TokenPulseApp.create(configB).start();
        boolean bClosed = false;
        try {
            String urlA = a.queryUrl().orElseThrow();
            String urlB = b.queryUrl().orElseThrow();
            a.awaitRunning(Duration.ofMinutes(1));
            b.awaitRunning(Duration.ofMinutes(1));
            awaitState(urlA, urlB);

            // Each instance is active for a share of the tokens: the shares are disjoint and make up the whole
            Set<String> localA = localIds(urlA);
            Set<String> localB = localIds(urlB);
            assertFalse(localA.isEmpty(), "instance A holds some partitions");
            assertFalse(localB.isEmpty(), "instance B holds some partitions");
            Set<String> both = new HashSet<>(localA);
            both.retainAll(localB);
            assertEquals(Set.of(), both);
            Set<String> union = new TreeSet<>(localA);
            union.addAll(localB);
            assertEquals(ids, union);

            // Every token answers 200 from either instance, with identical bodies
            Map<String, JsonNode> answers = new HashMap<>();
            for (String id : ids) {
                HttpResponse<String> fromA = get(urlA, "/api/v1/tokens/" + id);
                HttpResponse<String> fromB = get(urlB, "/api/v1/tokens/" + id);
                assertEquals(200, fromA.statusCode(), id + ": " + fromA.body());
                assertEquals(200, fromB.statusCode(), id + ": " + fromB.body());
                assertEquals(fromA.body(), fromB.body(), id);
                JsonNode tok = JSON.readTree(fromA.body());
                assertEquals(id, tok.path("tokenId").asText());
                assertFalse(tok.path("stale").asBoolean());
                answers.put(id, tok);
            }

            // Lists are the union exactly once, page by page, from either instance; filters agree with the data
            assertEquals(new ArrayList<>(ids), pageThrough(urlA, "", 70));
            assertEquals(new ArrayList<>(ids), pageThrough(urlB, "", 100));
            List<String> noExpiryPaged = pageThrough(urlB, "&status=no-expiry", 33);
            List<String> missing = new ArrayList<>(noExpiry);
            missing.removeAll(noExpiryPaged);
            StringBuilder why = new StringBuilder();
            for (String id : missing) {
                why.append('\n').append(get(urlB, "/api/v1/tokens/" + id).body());
            }
            why.append("\nall at once: ").append(JSON.readTree(get(urlB, "/api/v1/tokens?limit=1000&status=no-expiry").body()).path("count"));
            assertEquals(new ArrayList<>(noExpiry), noExpiryPaged, why.toString());
            List<String> compromisedTenant0 = compromised.stream()
                    .filter(id -> Integer.parseInt(id.substring(4)) % 4 == 0).sorted().toList();
            assertEquals(compromisedTenant0, pageThrough(urlA, "&status=compromised&tenant=tenant-0", 3));
            assertEquals(new ArrayList<>(compromised), pageThrough(urlB, "&status=compromised", 1000));
            JsonNode incidents = JSON.readTree(get(urlB, "/api/v1/incidents?limit=1000").body());
            assertEquals(compromised.size(), incidents.path("total").asInt(), incidents.toString());

            // Auth holds on every instance; metrics carry Kafka Streams' and the dead-letter counters
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(urlA + "/api/v1/tokens/tok-1")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            String metrics = get(urlA, "/api/v1/metrics").body();
            assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams metrics");
            assertTrue(metrics.contains("tokenpulse_dead_letters_total{stage=\"validation\"}"), "dead letters");
            assertTrue(metrics.contains("tokenpulse_late_records_total"), "late records");
            assertTrue(metrics.contains("tokenpulse_duplicate_records_total"), "duplicate records");
            assertEquals(200, get(urlB, "/api/v1/ready").statusCode());

            // The posture of a tenant: gauges as of the last closed hour, which holds every token of it (issued 2 h ago)
            JsonNode posture = awaitPosture(urlB, "tenant-1", TOKENS / 4);
            assertEquals(TOKENS / 4 / 5, posture.path("gauges").path("tokensWithoutExpiry").asInt(), posture.toString());
            assertEquals(Set.of("team-b"), fieldNames(posture.path("owners"))); // tenant-1 holds the odd tokens
            assertEquals(404, get(urlA, "/api/v1/tenants/nobody/posture").statusCode());

            // A credential of tenant-1 reads tenant-1 only, from either instance (forwarded or not); another tenant's
            // posture and tokens answer exactly as missing ones do
            for (String url : List.of(urlA, urlB)) {
                assertEquals(posture.path("gauges"), JSON.readTree(get(url, "/api/v1/tenants/tenant-1/posture", TENANT1_TOKEN).body())
                        .path("gauges"));
                HttpResponse<String> other = get(url, "/api/v1/tenants/tenant-2/posture", TENANT1_TOKEN);
                assertEquals(404, other.statusCode());
                assertEquals("{\"status\":404,\"error\":\"no posture for tenant tenant-2 yet (no report window has seen it)\"}",
                        other.body());
                for (String id : List.of("tok-1", "tok-2", "tok-5", "tok-6")) {
                    HttpResponse<String> r = get(url, "/api/v1/tokens/" + id, TENANT1_TOKEN);
                    boolean own = Integer.parseInt(id.substring(4)) % 4 == 1;
                    assertEquals(own ? 200 : 404, r.statusCode(), id + ": " + r.body());
                    if (!own) {
                        assertEquals("{\"status\":404,\"error\":\"no token " + id + " is known\"}", r.body());
                    }
                }
                JsonNode own = JSON.readTree(get(url, "/api/v1/tokens?limit=1000", TENANT1_TOKEN).body());
                assertEquals(TOKENS / 4, own.path("count").asInt());
                own.path("tokens").forEach(t -> assertEquals("tenant-1", t.path("tenant").asText()));
                JsonNode ownIncidents = JSON.readTree(get(url, "/api/v1/incidents?limit=1000", TENANT1_TOKEN).body());
                ownIncidents.path("incidents").forEach(i -> assertEquals("tenant-1", i.path("tenant").asText()));
                assertEquals(403, get(url, "/api/v1/metrics", TENANT1_TOKEN).statusCode());
            }

            // The CLI over the API: a readable card, a table, JSON
            Path tokenFile = dir.resolve("api-token");
            java.nio.file.Files.writeString(tokenFile, API_TOKEN + "\n");
            CliRun card = CliRun.of("query", "token", "tok-50", "--api", urlB, "--token-file", tokenFile.toString());
            assertEquals(0, card.exitCode, card.toString());
            assertTrue(card.out.contains("tenant-2 / team-a") && card.out.contains("OPEN"), card.out);
            CliRun table = CliRun.of("query", "tokens", "--status", "no-expiry", "--tenant", "tenant-0", "--limit", "7",
                    "--api", urlA, "--token-file", tokenFile.toString());
            assertEquals(0, table.exitCode, table.toString());
            assertEquals(8, table.out.lines().count(), "a header and 7 tokens: " + table.out);
            CliRun json = CliRun.of("query", "posture", "tenant-1", "--json", "--api", urlA, "--token-file", tokenFile.toString());
            assertEquals(0, json.exitCode, json.toString());
            assertEquals(TOKENS / 4, JSON.readTree(json.out).path("gauges").path("activeTokens").asInt(), json.out);
            CliRun denied = CliRun.of("query", "token", "tok-1", "--api", urlA);
            assertEquals(2, denied.exitCode, denied.toString());
            assertTrue(denied.err.contains("401"), denied.err);
            CliRun unknown = CliRun.of("query", "token", "nope", "--api", urlA, "--token-file", tokenFile.toString());
            assertEquals(3, unknown.exitCode, unknown.toString());

            // When B stops, A answers right (maybe from a standby, marked stale) or 503 with Retry-After, never wrong
            List<String> sample = new ArrayList<>(localB).subList(0, Math.min(60, localB.size()));
            Thread stopper = new Thread(() -> b.close(Duration.ofSeconds(30)));
            stopper.start();
            int ok = 0;
            int stale = 0;
            int unavailable = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int rightInARow = 0;
            while (System.nanoTime() < deadline && rightInARow < sample.size()) {
                for (String id : sample) {
                    HttpResponse<String> r = get(urlA, "/api/v1/tokens/" + id);
                    if (r.statusCode() == 503) {
                        assertTrue(r.headers().firstValue("Retry-After").isPresent(), r.toString());
                        unavailable++;
                        rightInARow = 0;
                        continue;
                    }
                    assertEquals(200, r.statusCode(), id + " while B stops: " + r.body());
                    ObjectNode tok = (ObjectNode) JSON.readTree(r.body());
                    boolean wasStale = tok.remove("stale").asBoolean();
                    ObjectNode expected = ((ObjectNode) answers.get(id)).deepCopy();
                    expected.remove("stale");
                    assertEquals(expected, tok, id + " while B stops");
                    if (wasStale) {
                        stale++;
                        rightInARow = 0;
                    } else {
                        ok++;
                        rightInARow++;
                    }
                }
            }
            stopper.join();
            bClosed = true;
            System.out.printf("While B stopped: %d fresh, %d stale, %d 503 answers%n", ok, stale, unavailable);
            assertTrue(rightInARow >= sample.size(), "A took over B's partitions within 90 s: " + rightInARow + " right answers in a row");
            assertEquals(KafkaStreams.State.RUNNING, a.state());
            assertEquals(new ArrayList<>(ids), pageThrough(urlA, "", 500));
        } finally {
            if (!bClosed) {
                b.close(Duration.ofSeconds(30));
            }
            a.close(Duration.ofSeconds(30));
        }
    }

    private static void publish(StackApp stack, Set<String> ids, Set<String> noExpiry, Set<String> compromised) throws Exception {
        Properties client = new Properties();
        client.putAll(stack.config.kafkaClientProperties());
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(stack.config.registry().clientConfig());
        Instant t = Instant.now().minus(Duration.ofHours(2));
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, stack.topics)) {
            for (int i = 0; i < TOKENS; i++) {
                String id = "tok-" + i;
                ids.add(id);
                TokenLifecycleEvent.Builder e = TokenLifecycleEvent.newBuilder().setEventId("i" + i).setTokenId(id)
                        .setTenant("tenant-" + i % 4).setOwner(i % 2 == 0 ? "team-a" : "team-b").setType(LifecycleType.ISSUED)
                        .setOccurredAt(t).setPrincipal("svc").setScopes(List.of("read", "write")).setIssuer("internal");
                if (i % 5 == 0) {
                    noExpiry.add(id);
                } else {
                    e.setExpiresAt(t.plus(Duration.ofDays(30)));
                }
                publisher.lifecycle(e.build());
                if (i % 50 == 0) {
                    compromised.add(id);
                    publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("c" + i).setTokenId(id)
                            .setTenant("tenant-" + i % 4).setType(LifecycleType.COMPROMISED).setOccurredAt(t.plusSeconds(60))
                            .setExposedAt(t).setIssuer("internal").build());
                }
            }
            // One use of each token a minute ago: every partition's event time passes the hour of the issues plus
            // the report grace, so the posture gauges of that hour are closed and hold every token.
            for (int i = 0; i < TOKENS; i++) {
                publisher.usage(TokenUsageEvent.newBuilder().setEventId("u" + i).setTokenId("tok-" + i).setTenant("tenant-" + i % 4)
                        .setOccurredAt(Instant.now().minus(Duration.ofMinutes(1))).setPrincipal("svc").setScope("read")
                        .setSourceIp("10.0.0.1").setOutcome(UsageOutcome.ALLOWED).setCount(1).build());
            }
            publisher.flush();
        }
    }

    /**
     * Until every partition of the just-created topics has a leader. Publishing earlier meets NOT_LEADER_OR_FOLLOWER,
     * and on a loaded machine the idempotent producer's retries then end in OUT_OF_ORDER_SEQUENCE_NUMBER and lose
     * records (seen: ISSUED events missing, tokens stuck PENDING).
     */

    /** Until both instances list every token (both RUNNING after their rebalances, every event applied). */
    private void awaitState(String urlA, String urlB) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> a = get(urlA, "/api/v1/tokens?limit=1000");
            HttpResponse<String> b = get(urlB, "/api/v1/tokens?limit=1000");
            if (a.statusCode() == 200 && b.statusCode() == 200 && JSON.readTree(a.body()).path("count").asInt() == TOKENS
                    && used(JSON.readTree(a.body())) == TOKENS
                    && JSON.readTree(b.body()).path("count").asInt() == TOKENS
                    && incidentsDone(urlA)) {
                return;
            }
            last = a.statusCode() + " " + a.body().length() + "B count " + JSON.readTree(a.body()).path("count") + " / "
                    + b.statusCode() + " count " + JSON.readTree(b.body()).path("count") + ", compromised done " + incidentsDone(urlA);
            Thread.sleep(500);
        }
        throw new AssertionError("the state was not built within 90 s (last answers " + last + ")");
    }

    private JsonNode awaitPosture(String url, String tenant, int active) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(url, "/api/v1/tenants/" + tenant + "/posture");
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && JSON.readTree(r.body()).path("gauges").path("activeTokens").asInt() == active) {
                return JSON.readTree(r.body());
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no posture with " + active + " active tokens within 60 s; last: " + last);
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static long used(JsonNode page) {
        long n = 0;
        for (JsonNode t : page.path("tokens")) {
            n += t.path("lastUseAt").isTextual() ? 1 : 0;
        }
        return n;
    }

    private boolean incidentsDone(String url) throws Exception {
        HttpResponse<String> r = get(url, "/api/v1/tokens?status=compromised&limit=1000");
        return r.statusCode() == 200 && JSON.readTree(r.body()).path("count").asInt() == TOKENS / 50;
    }

    private Set<String> localIds(String url) throws Exception {
        HttpResponse<String> r = get(url, "/api/v1/tokens?limit=1000&local=true");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertFalse(body.path("more").asBoolean());
        Set<String> out = new TreeSet<>();
        body.path("tokens").forEach(t -> out.add(t.path("tokenId").asText()));
        return out;
    }

    private List<String> pageThrough(String url, String filters, int limit) throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            HttpResponse<String> r = get(url, "/api/v1/tokens?limit=" + limit + filters + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = JSON.readTree(r.body());
            page.path("tokens").forEach(t -> seen.add(t.path("tokenId").asText()));
            if (page.path("nextCursor").isNull()) {
                assertEquals(seen.size(), new HashSet<>(seen).size(), "no token twice");
                List<String> sorted = new ArrayList<>(seen);
                sorted.sort(null);
                assertEquals(sorted, seen, "sorted by tokenId");
                return seen;
            }
            cursor = page.path("nextCursor").asText();
        }
        throw new AssertionError("no last page");
    }

    private HttpResponse<String> get(String base, String path) throws Exception {
        return get(base, path, API_TOKEN);
    }

    private HttpResponse<String> get(String base, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
