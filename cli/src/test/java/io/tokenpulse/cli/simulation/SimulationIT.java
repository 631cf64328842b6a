package io.tokenpulse.cli.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator against the real pipeline: a fleet of 300 tokens over 10 days is published day by day through the
 * CLI into a running app on a real broker and registry, then 'evaluate' scores the alerts against the simulator's
 * ground truth. Every deterministic alert type must reach precision and recall of at least 0.95.
 */
class SimulationIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DETERMINISTIC = List.of("UNUSED_TOKEN", "OVER_PRIVILEGED", "SCOPE_CREEP",
            "REVOKED_TOKEN_USED", "EXPIRED_TOKEN_USED", "UNKNOWN_TOKEN_USED", "EXPIRY_POLICY_VIOLATION",
            "EXPIRING_UNREPLACED", "PRINCIPAL_MISMATCH", "VERSION_MISMATCH", "RETIRED_VERSION_TOKEN", "REPLACEMENT_OVERDUE");

    @TempDir
    Path dir;

    @Test
    void aSimulatedFleetIsDetectedWithHighPrecisionAndRecall() throws Exception {
        StackApp stackApp = new StackApp(STACK, "simulation", dir.resolve("state"));
        Path truth = dir.resolve("truth.jsonl");
        TokenPulseApp app = TokenPulseApp.create(stackApp.config).start();
        try {
            app.awaitRunning(Duration.ofSeconds(60));
            CliRun simulated = stackApp.cli("simulate", "--tenants", "2", "--tokens", "300", "--days", "10", "--seed", "5",
                    "--truth", truth.toString());
            assertEquals(0, simulated.exitCode, simulated.toString());
            CliRun evaluated = stackApp.cli("evaluate", "--truth", truth.toString(), "--json", "--idle-timeout", "5");
            assertEquals(0, evaluated.exitCode, evaluated.toString());
            JsonNode score = JSON.readTree(evaluated.out);
            // For whoever reads the report: the same score as a table, and how the run went.
            System.out.println(simulated.err + simulated.out);
            System.out.println(stackApp.cli("evaluate", "--truth", truth.toString(), "--idle-timeout", "3").out);
            List<String> failures = new ArrayList<>();
            for (JsonNode t : score.get("types")) {
                String type = t.get("type").asText();
                if (!DETERMINISTIC.contains(type)) {
                    continue;
                }
                assertTrue(t.get("truth").asInt() > 0, "the fleet injects " + type + ": " + t);
                double precision = t.get("precision").isNull() ? 0 : t.get("precision").asDouble();
                double recall = t.get("recall").asDouble();
                if (precision < 0.95 || recall < 0.95) {
                    failures.add(t.toString());
                }
            }
            assertTrue(failures.isEmpty(), "below 0.95: " + failures + "\nexamples: " + score.get("examples")
                    + "\nsimulate: " + simulated.err);
            assertEquals(0, score.get("duplicateAlerts").asInt(), "exactly once: no alert id twice");
            // Every incident has a timeline, and time to detect, revoke and replace are what the truth says
            assertTrue(score.get("incidents").get("truth").asInt() > 0, score.get("incidents").toString());
            assertEquals(score.get("incidents").get("truth"), score.get("incidents").get("measured"));
            for (JsonNode m : score.get("metrics")) {
                assertTrue(m.get("truth").get("n").asInt() > 0, m.toString());
                assertEquals(m.get("truth"), m.get("measured"), m.get("metric").asText());
            }
            assertEquals(0, app.deadLetters().total(), "the simulator's events are all valid");
        } finally {
            app.close(Duration.ofSeconds(30));
        }
    }
}
