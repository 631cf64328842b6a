package io.tokenpulse.bench;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyQueryMetadata;

/**
 * Latency of {@code GET /api/v1/tokens/{id}} under load, with the state holding N tokens (default 100,000), two
 * instances of one application in this JVM on the local stack ('tokenpulse up'). Writes the ids that instance A
 * answers itself and those it must forward to B, then runs wrk (Lua picks a random id per request) against A for
 * each set. Usage: QueryBench [tokens] [wrk duration, e.g. 20s].
 */
public final class QueryBench {
    private QueryBench() {
    }

    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String duration = args.length > 1 ? args[1] : "20s";
        Path home = Path.of(System.getProperty("tokenpulse.home", ".tokenpulse"));
        BenchRun bench = BenchRun.named("qbench");
        Map<TopicDef, String> names = bench.topics();
        Map<String, String> settings = bench.settings();
        settings.put(AppConfig.QUERY_PORT, "0");
        settings.put(AppConfig.STATE_DIR, Files.createTempDirectory("tokenpulse-qbench-a").toString());
        AppConfig a = AppConfig.load(Optional.empty(), Optional.of(home.resolve("stack.properties")), System.getenv(), settings);
        settings.put(AppConfig.STATE_DIR, Files.createTempDirectory("tokenpulse-qbench-b").toString());
        AppConfig b = AppConfig.load(Optional.empty(), Optional.of(home.resolve("stack.properties")), System.getenv(), settings);

        Properties client = new Properties();
        client.putAll(a.kafkaClientProperties());
        bench.deleteTopicsAtExit(client);
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensureTopics(admin, names, 12);
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(a.registry().clientConfig());
        Instant t0 = Instant.now().minus(Duration.ofDays(2));
        Random random = new Random(11);
        long loadStart = System.nanoTime();
        // A load generator: each send's future goes to 'unused', not waited on; flush() waits for them all.
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, names)) {
            for (int i = 0; i < tokens; i++) {
                var unused = publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("l" + i).setTokenId("tok-" + i)
                        .setTenant("tenant-" + i % 20).setOwner("team-" + i % 7).setType(LifecycleType.ISSUED).setOccurredAt(t0)
                        .setPrincipal("svc-" + (i % 50)).setServiceVersion("1.0").setScopes(List.of("repo:read", "repo:write"))
                        .setExpiresAt(t0.plus(Duration.ofDays(60))).setIssuer("internal").build());
            }
            for (int i = 0; i < tokens; i++) {
                int tok = random.nextInt(tokens);
                var unused = publisher.usage(TokenUsageEvent.newBuilder().setEventId("u" + i).setTokenId("tok-" + tok)
                        .setTenant("tenant-" + tok % 20).setOccurredAt(t0.plus(Duration.ofHours(1)))
                        .setPrincipal("svc-" + (tok % 50)).setServiceVersion("1.0").setScope("repo:read")
                        .setOutcome(UsageOutcome.ALLOWED).setSourceIp("10.0." + (tok % 4) + "." + random.nextInt(255))
                        .setUserAgent("svc/1.0").setCount(1).build());
            }
            publisher.flush();
        }
        System.out.printf("loaded %,d tokens + %,d uses in %.1f s%n", tokens, tokens, (System.nanoTime() - loadStart) / 1e9);

        try (TokenPulseApp appA = TokenPulseApp.create(a, registry, java.time.Clock.systemUTC()).start();
             TokenPulseApp appB = TokenPulseApp.create(b, registry, java.time.Clock.systemUTC()).start()) {
            appA.awaitRunning(Duration.ofMinutes(5));
            appB.awaitRunning(Duration.ofMinutes(5));
            String urlA = appA.queryUrl().orElseThrow();
            HttpClient http = HttpClient.newHttpClient();
            long start = System.nanoTime();
            // Built when the last token of each stride answers from A (both instances RUNNING, every partition caught up).
            List<String> probes = new ArrayList<>();
            for (int i = tokens - 1; i >= 0 && probes.size() < 200; i -= Math.max(1, tokens / 200)) {
                probes.add("tok-" + i);
            }
            probes.add("tok-" + (tokens - 1));
            while (!allAnswer(http, urlA, probes)) {
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("state not built within 10 minutes");
                }
                Thread.sleep(1000);
            }
            System.out.printf("state built %.1f s after both instances were RUNNING%n", (System.nanoTime() - start) / 1e9);

            Serializer<String> keys = appA.topics().keySerde().serializer();
            List<String> local = new ArrayList<>();
            List<String> forwarded = new ArrayList<>();
            for (int i = 0; i < tokens; i++) {
                String id = "tok-" + i;
                KeyQueryMetadata m = appA.streams().queryMetadataForKey(DetectionTopology.TOKEN_STORE, id, keys);
                (m.activeHost().port() == Integer.parseInt(urlA.substring(urlA.lastIndexOf(':') + 1)) ? local : forwarded).add(id);
            }
            Path dir = Files.createTempDirectory("tokenpulse-qbench-ids");
            Files.write(dir.resolve("local.txt"), local);
            Files.write(dir.resolve("forwarded.txt"), forwarded);
            System.out.printf("instance A %s answers %,d tokens itself and forwards %,d to B %s%n", urlA, local.size(),
                    forwarded.size(), appB.queryUrl().orElseThrow());
            Path lua = dir.resolve("pick.lua");
            Files.writeString(lua, """
                    local ids = {}
                    for line in io.lines(os.getenv("IDS")) do ids[#ids + 1] = line end
                    math.randomseed(os.time())
                    request = function()
                      return wrk.format("GET", "/api/v1/tokens/" .. ids[math.random(#ids)])
                    end
                    done = function(summary, latency, requests)
                      io.write(string.format("non-2xx/3xx: %d, socket errors: %d\\n", summary.errors.status,
                        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
                    end
                    """);
            for (String set : List.of("local", "forwarded")) {
                System.out.printf("%n== wrk -t2 -c16 -d%s --latency, ids %s (%s)%n", duration, set, urlA);
                ProcessBuilder pb = new ProcessBuilder("wrk", "-t2", "-c16", "-d" + duration, "--latency", "-s", lua.toString(),
                        urlA).inheritIO();
                pb.environment().put("IDS", dir.resolve(set + ".txt").toString());
                int rc = pb.start().waitFor();
                if (rc != 0) {
                    throw new IllegalStateException("wrk failed (" + rc + "); is it installed (apt-get install -y wrk)?");
                }
            }
        }
    }

    private static boolean allAnswer(HttpClient http, String url, List<String> ids) throws Exception {
        for (String id : ids) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens/" + id)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                return false;
            }
        }
        return true;
    }
}
