package io.tokenpulse.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The production-shaped stack of {@code docker/compose.yaml} end to end: 3 KRaft nodes, Confluent Schema Registry,
 * SPEC's topics, two app instances built from {@code docker/Dockerfile}. Events go in through the image's own
 * {@code publish} and come out of token-alerts through its {@code alerts}.
 *
 * <p>Needs a Docker engine with the compose plugin, and the CLI's runtime layout ({@code mvn -DskipTests package}).
 * Where there is no Docker it is skipped, saying why; the same flow runs without Docker, on a real broker and
 * registry, in {@code cli/src/test/java/io/tokenpulse/cli/pipeline/PipelineIT}.
 *
 * <p>The first condition puts the reason in the build log and the report (@Testcontainers alone says only that
 * Docker is not available). Both ask DockerClientFactory, which looks once (no socket: milliseconds) and remembers.
 */
@EnabledIf(value = "dockerIsAvailable", disabledReason = DockerStackIT.NO_DOCKER)
@Testcontainers(disabledWithoutDocker = true)
class DockerStackIT {
    static final String NO_DOCKER = "Docker is not available on this machine, so the production-shaped compose stack "
            + "is not started; the same flow runs without Docker in the real-broker integration tests (cli module *IT)";

    /**
     * Testcontainers names compose containers {@code <service>-<n>}, and takes a name that already ends in
     * {@code -<digits>} to be such an instance name: "app-1" must be spelled "app-1-1".
     */
    private static final String APP_1 = "app-1-1";
    private static final String APP_2 = "app-2-1";
    private static final String CLI = "java -cp '/app/lib/*:/app/tokenpulse-cli.jar' io.tokenpulse.cli.TokenPulseCli";

    private final ObjectMapper json = new ObjectMapper();

    static boolean dockerIsAvailable() {
        boolean available = DockerClientFactory.instance().isDockerAvailable();
        if (!available) {
            System.out.println("DockerStackIT SKIPPED: " + NO_DOCKER);
        }
        return available;
    }

    @BeforeAll
    static void requireDocker() {
        // Belt and braces, should the conditions above be removed: never start compose without an engine.
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), NO_DOCKER);
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void eventsPublishedIntoTheComposeStackComeOutAsAlerts() throws Exception {
        Path root = Path.of(System.getProperty("tokenpulse.root", "..")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(root.resolve("cli/target/lib")),
                "the image copies cli/target: build it first with mvn -B -DskipTests package");

        // Given: the stack up to both app instances (the generator is left out, so only our events are judged)
        try (ComposeContainer stack = new ComposeContainer(root.resolve("docker/compose.yaml").toFile())
                .withLocalCompose(true) // the build context is the repository root, outside a compose container
                .withBuild(true)
                .withPull(false) // compose pulls what is missing; a pre-pull would try tokenpulse:dev, which is built here
                .withServices("app-1", "app-2")
                // healthy: compose's healthcheck saw "TokenPulse is running", i.e. Kafka Streams reached RUNNING
                .waitingFor(APP_1, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(6)))
                .waitingFor(APP_2, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(6)))) {
            stack.start();
            ContainerState app = stack.getContainerByServiceName(APP_1).orElseThrow();

            // When: a token issued to "checkout" with no expiry is used by "intruder", published by the image's CLI
            String tokenId = "docker-tok-" + Long.toHexString(System.nanoTime());
            Instant issued = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            String lifecycle =
                    "{\"kind\":\"lifecycle\",\"eventId\":\"" + tokenId + "-l1\",\"tokenId\":\"" + tokenId + "\",\"tenant\":\"acme\","
                            + "\"type\":\"ISSUED\",\"occurredAt\":\"" + issued + "\",\"owner\":\"payments\",\"principal\":\"checkout\","
                            + "\"scopes\":[\"repo:read\"],\"issuer\":\"vault\"}\n";
            String usage =
                    "{\"kind\":\"usage\",\"eventId\":\"" + tokenId + "-u1\",\"tokenId\":\"" + tokenId + "\",\"tenant\":\"acme\","
                            + "\"occurredAt\":\"" + issued.plus(5, ChronoUnit.MINUTES) + "\",\"scope\":\"repo:read\","
                            + "\"outcome\":\"ALLOWED\",\"principal\":\"intruder\"}\n";
            // Two publishes, so the token is known before its use arrives (the topics are LogAppendTime).
            publish(app, "lifecycle", lifecycle);
            publish(app, "usage", usage);

            // Then: both alerts reach token-alerts (read committed), whichever instance owns the token's partition
            Set<String> expected = Set.of("PRINCIPAL_MISMATCH", "EXPIRY_POLICY_VIOLATION");
            Set<String> seen = new TreeSet<>();
            String last = "";
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (!seen.containsAll(expected) && Instant.now().isBefore(deadline)) {
                ExecResult alerts = app.execInContainer("bash", "-c", CLI + " alerts --from-beginning --json --idle-timeout 10");
                last = alerts.getStdout() + alerts.getStderr();
                for (String line : alerts.getStdout().split("\n")) {
                    if (line.startsWith("{")) {
                        JsonNode alert = json.readTree(line);
                        if (tokenId.equals(alert.path("tokenId").asText())) {
                            seen.add(alert.path("type").asText());
                        }
                    }
                }
            }
            assertTrue(seen.containsAll(expected), "alerts for " + tokenId + ": " + seen + "; last read:\n" + last);
        }
    }

    /** One JSON Lines file through the image's own {@code publish}, run inside the app container (its env, its network). */
    private static void publish(ContainerState app, String name, String jsonLines) throws Exception {
        String file = "/tmp/" + name + ".jsonl";
        app.copyFileToContainer(Transferable.of(jsonLines.getBytes(StandardCharsets.UTF_8), 0644), file);
        ExecResult published = app.execInContainer("bash", "-c", CLI + " publish --format jsonl " + file);
        assertEquals(0, published.getExitCode(), published.getStdout() + published.getStderr());
        assertTrue(published.getStdout().contains("Published 1, rejected 0, failed to send 0"), published.getStdout());
    }
}
