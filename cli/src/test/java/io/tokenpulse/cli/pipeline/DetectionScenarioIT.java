package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripted scenario of scenarios/detection on a real broker and registry: published part by part through
 * the CLI, it yields exactly the alerts of expected-alerts.txt (type and token) and no other; replayed on fresh
 * topics with a fresh application, it yields the same alert ids.
 */
class DetectionScenarioIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCENARIO = Path.of(System.getProperty("tokenpulse.root", ".."), "scenarios", "detection");

    @TempDir
    Path dir;

    @Test
    void theScenarioRaisesExactlyTheExpectedAlertsAndAReplayGivesTheSameIds() throws Exception {
        List<String> expected = Files.readAllLines(SCENARIO.resolve("expected-alerts.txt")).stream()
                .filter(l -> !l.isBlank()).sorted().toList();

        Map<String, String> first = run("first", true, expected.size());
        assertEquals(expected, first.keySet().stream().sorted().toList(), "alerts of the first run: " + first);

        Map<String, String> replay = run("replay", false, expected.size());
        assertEquals(first, replay, "a replay on a fresh stack gives identical alert ids");
    }

    /**
     * One run on fresh topics and a fresh app; returns "TYPE token" -> alertId (a duplicate fails). With
     * {@code restartMidway} the app is stopped and started again (same id, same state) halfway through, and no
     * alert may come twice.
     */
    private Map<String, String> run(String name, boolean restartMidway, int expectedCount) throws Exception {
        StackApp stackApp = new StackApp(STACK, "scenario-" + name, dir.resolve(name));
        AppConfig config = stackApp.config;
        TokenPulseApp app = TokenPulseApp.create(config).start();
        try {
            app.awaitRunning(Duration.ofSeconds(60));
            List<Path> parts;
            try (Stream<Path> files = Files.list(SCENARIO)) {
                parts = files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
            }
            // Every part in one go, as a backfill arrives; with restartMidway the app is stopped and started again
            // while it works through them.
            List<String> publish = new java.util.ArrayList<>(List.of("publish", "--format", "jsonl"));
            parts.forEach(p -> publish.add(p.toString()));
            CliRun published = stackApp.cli(publish.toArray(String[]::new));
            assertEquals(0, published.exitCode, published.toString());
            if (restartMidway) {
                app.close(Duration.ofSeconds(30));
                app = TokenPulseApp.create(config).start();
                app.awaitRunning(Duration.ofSeconds(60));
            }
            // The pipeline's first alerts come once every partition has been read to its end for the idle timeout
            // after the start; on a loaded machine that can take a while. Read until as many distinct alerts as the
            // scenario expects are there (or two minutes passed), then judge the last full read.
            Map<String, String> ids;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            do {
                CliRun read = stackApp.cli("alerts", "--from-beginning", "--json", "--idle-timeout", "5");
                assertEquals(0, read.exitCode, read.toString());
                ids = alertIds(read.out);
            } while (ids.size() < expectedCount && System.nanoTime() < deadline);
            assertEquals(0, app.deadLetters().total(), "the scenario is valid input");
            return ids;
        } finally {
            app.close(Duration.ofSeconds(30));
        }
    }

    /** "TYPE token" -> alertId of every alert read; a second alert of the same type for the same token fails. */
    private static Map<String, String> alertIds(String out) throws Exception {
        Map<String, String> ids = new TreeMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode alert = JSON.readTree(line);
            String key = alert.get("type").asText() + " " + alert.get("tokenId").asText();
            String previous = ids.put(key, alert.get("alertId").asText());
            if (previous != null) {
                throw new AssertionError("a second " + key + " alert (id " + previous + "); all alerts:\n" + out);
            }
        }
        return ids;
    }
}
