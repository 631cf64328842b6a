package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real third-party CloudTrail (Stratus Red Team detonations, shared/datasets) through the whole pipeline with the
 * tenant policy a CloudTrail user needs (keys issued before the capture are discovered, STS sessions are ephemeral):
 * every alert it raises is one the data means, and no other. Noise on real data is a defect.
 */
class StratusAlertsIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theCaptureRaisesTheAttackersProbingTheBackdoorKeysAndTheStaleKeysOnly() throws Exception {
        Path stratus = Path.of("..", "..", "shared", "datasets", "stratus-red-team-detonation-logs").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(stratus), "skipped: the shared dataset is not at " + stratus);
        StackApp stack = new StackApp(STACK, "stratus", dir.resolve("state"));
        Path policy = dir.resolve("policy.jsonl");
        Files.writeString(policy, "{\"kind\":\"policy\",\"tenant\":\"stratus\",\"discoverUnknown\":true,\"ephemeralLifetime\":\"PT36H\"}\n");
        List<JsonNode> alerts = new ArrayList<>();
        try (TokenPulseApp app = TokenPulseApp.create(stack.config).start()) {
            app.awaitRunning(Duration.ofSeconds(60));
            assertEquals(0, stack.cli("publish", "--format", "jsonl", policy.toString()).exitCode);
            CliRun published = stack.cli("publish", "--format", "cloudtrail", "--tenant", "stratus", stratus.toString());
            assertEquals(0, published.exitCode, published.toString());
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (alerts.size() < 38 && System.nanoTime() < deadline) {
                CliRun read = stack.cli("alerts", "--from-beginning", "--json", "--idle-timeout", "5");
                assertEquals(0, read.exitCode, read.toString());
                alerts.clear();
                for (String line : read.out.split("\n")) {
                    if (!line.isBlank()) {
                        alerts.add(JSON.readTree(line));
                    }
                }
            }
        }
        Map<String, List<String>> byType = new TreeMap<>();
        for (JsonNode a : alerts) {
            byType.computeIfAbsent(a.get("type").asText(), k -> new ArrayList<>()).add(a.get("tokenId").asText());
        }
        byType.values().forEach(l -> l.sort(null));
        // The attackers: denied ten times within a minute on scopes their session keys do not hold
        assertEquals(List.of("ASIA4URVX2JM5MT0ZGK8", "ASIANQQHHS551LWULIWD"), byType.get("SCOPE_PROBING"), byType.toString());
        // The backdoor: long-lived IAM user keys created in the capture (CreateAccessKey states no expiry)
        assertEquals(List.of("AKIAL80DWDVKKM0UXEER", "AKIAXAFZN8JEPF6L682H"), byType.get("EXPIRY_POLICY_VIOLATION"), byType.toString());
        // Keys seen during the detonations and then never again for the 90 days the capture goes on
        assertEquals(34, byType.get("UNUSED_TOKEN").size(), byType.toString());
        assertEquals(List.of("EXPIRY_POLICY_VIOLATION", "SCOPE_PROBING", "UNUSED_TOKEN"), new ArrayList<>(byType.keySet()),
                "no UNKNOWN_TOKEN_USED for keys issued before the capture, no expiry noise for STS sessions: " + byType);
        assertEquals(38, alerts.size(), "each once");
    }
}
