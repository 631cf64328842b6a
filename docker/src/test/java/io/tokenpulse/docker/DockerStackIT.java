package io.tokenpulse.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The production-shaped stack of docker/compose.yaml end to end: 3 brokers, Confluent Schema Registry, two app
 * instances. Events go in through the image's own {@code publish} and come out through {@code alerts}.
 *
 * <p>Needs a Docker engine; where there is none it is skipped, saying why. The same flow runs without Docker, on a
 * real broker and a real registry, in {@code cli/src/test/java/io/tokenpulse/cli/PipelineIT}.
 */
class DockerStackIT {
    private static final String NO_DOCKER = "Docker is not available on this machine, so the production-shaped compose "
            + "stack is not started; the same flow runs without Docker in cli/src/test/java/io/tokenpulse/cli/PipelineIT";

    @Test
    void eventsPublishedIntoTheComposeStackComeOutAsAlerts() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (!docker) {
            System.out.println("SKIPPED DockerStackIT: " + NO_DOCKER);
        }
        assumeTrue(docker, NO_DOCKER);
        Path root = Path.of(Optional.ofNullable(System.getProperty("tokenpulse.root")).orElse(".."));
        File compose = root.resolve("docker/compose.yaml").toFile();
        assertTrue(root.resolve("cli/target/lib").toFile().isDirectory(), "build the CLI first: mvn -B -DskipTests package");
        try (ComposeContainer stack = new ComposeContainer(compose)
                .withBuild(true)
                .withLocalCompose(true)
                .waitingFor("app-1", Wait.forLogMessage(".*TokenPulse is RUNNING.*", 1).withStartupTimeout(Duration.ofMinutes(5)))
                .waitingFor("app-2", Wait.forLogMessage(".*TokenPulse is RUNNING.*", 1).withStartupTimeout(Duration.ofMinutes(5)))) {
            stack.start();
            ContainerState app = stack.getContainerByServiceName("app-1").orElseThrow();
            String lines = String.join("\\n",
                    "{\"kind\":\"lifecycle\",\"eventId\":\"d1\",\"tokenId\":\"docker-tok\",\"tenant\":\"acme\",\"type\":\"ISSUED\","
                            + "\"occurredAt\":\"2026-01-01T00:00:00Z\",\"principal\":\"checkout\",\"scopes\":[\"a:b\"],\"issuer\":\"vault\"}",
                    "{\"kind\":\"usage\",\"eventId\":\"d2\",\"tokenId\":\"docker-tok\",\"tenant\":\"acme\","
                            + "\"occurredAt\":\"2026-01-01T00:05:00Z\",\"scope\":\"a:b\",\"outcome\":\"ALLOWED\",\"principal\":\"intruder\"}");
            Container.ExecResult published = app.execInContainer("bash", "-c",
                    "printf '" + lines + "\\n' | java -cp '/app/lib/*:/app/tokenpulse-cli.jar' io.tokenpulse.cli.TokenPulseCli publish --format jsonl -");
            assertEquals(0, published.getExitCode(), published.getStdout() + published.getStderr());

            Container.ExecResult alerts = app.execInContainer("java", "-cp", "/app/lib/*:/app/tokenpulse-cli.jar",
                    "io.tokenpulse.cli.TokenPulseCli", "alerts", "--from-beginning", "--json", "--idle-timeout", "20");
            assertTrue(alerts.getStdout().contains("\"type\":\"PRINCIPAL_MISMATCH\"") && alerts.getStdout().contains("docker-tok"),
                    alerts.getStdout() + alerts.getStderr());
            assertTrue(alerts.getStdout().contains("\"type\":\"EXPIRY_POLICY_VIOLATION\""), alerts.getStdout());
        }
    }
}
