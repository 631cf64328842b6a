package io.tokenpulse.local;

import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How {@link LocalStack#up} starts the stack. A port of 0 means "the port of the previous run if it is
 * still free, else any free one", so addresses stay stable across {@code down}/{@code up}.
 *
 * @param apicurioDir the unpacked Apicurio Registry (see {@link #defaultApicurioDir()})
 * @param topicNames the SPEC topics to create, by their configured names
 * @param timeout how long each part may take to become ready
 * @param brokers Kafka nodes: 1, or 3 for a replicated cluster; 0 means "as many as this home already has, else 1".
 *                The ports apply to the first node; the others take the ports of their previous run, else free ones.
 */
public record StackOptions(String host, int kafkaPort, int controllerPort, int registryPort, int partitions,
                           Map<TopicDef, String> topicNames, Path apicurioDir, Duration timeout, int brokers) {
    public static final int DEFAULT_PARTITIONS = 6;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** System property (set by the launcher and by failsafe) naming the unpacked Apicurio directory. */
    public static final String APICURIO_DIR_PROPERTY = "tokenpulse.apicurio.dir";

    public StackOptions {
        host = host == null || host.isBlank() ? KafkaNode.Settings.DEFAULT_HOST : host;
        checkPort("kafka port", kafkaPort);
        checkPort("controller port", controllerPort);
        checkPort("registry port", registryPort);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        if (topicNames == null || topicNames.isEmpty()) {
            topicNames = TopicSetup.defaultNames();
        } else {
            Map<TopicDef, String> copy = new EnumMap<>(TopicDef.class);
            copy.putAll(topicNames);
            topicNames = Map.copyOf(copy);
        }
        apicurioDir = apicurioDir == null ? defaultApicurioDir() : apicurioDir;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (brokers != 0 && brokers != 1 && brokers != 3) {
            // Two nodes make a quorum that stops when either dies; more than three add nothing on one machine.
            throw new IllegalArgumentException("brokers must be 1 or 3, got " + brokers);
        }
    }

    public static StackOptions defaults() {
        return new StackOptions(null, 0, 0, 0, DEFAULT_PARTITIONS, null, null, null, 0);
    }

    public StackOptions withHost(String newHost) {
        return new StackOptions(newHost, kafkaPort, controllerPort, registryPort, partitions, topicNames, apicurioDir, timeout, brokers);
    }

    public StackOptions withPorts(int kafka, int controller, int registry) {
        return new StackOptions(host, kafka, controller, registry, partitions, topicNames, apicurioDir, timeout, brokers);
    }

    public StackOptions withPartitions(int n) {
        return new StackOptions(host, kafkaPort, controllerPort, registryPort, n, topicNames, apicurioDir, timeout, brokers);
    }

    public StackOptions withTopicNames(Map<TopicDef, String> names) {
        return new StackOptions(host, kafkaPort, controllerPort, registryPort, partitions, names, apicurioDir, timeout, brokers);
    }

    public StackOptions withApicurioDir(Path dir) {
        return new StackOptions(host, kafkaPort, controllerPort, registryPort, partitions, topicNames, dir, timeout, brokers);
    }

    public StackOptions withTimeout(Duration t) {
        return new StackOptions(host, kafkaPort, controllerPort, registryPort, partitions, topicNames, apicurioDir, t, brokers);
    }

    public StackOptions withBrokers(int n) {
        return new StackOptions(host, kafkaPort, controllerPort, registryPort, partitions, topicNames, apicurioDir, timeout, n);
    }

    /**
     * The {@value #APICURIO_DIR_PROPERTY} system property, else {@code local/target/apicurio} of the
     * nearest enclosing multi-module checkout (found upward from the working directory).
     */
    public static Path defaultApicurioDir() {
        String configured = System.getProperty(APICURIO_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("local/pom.xml"))) {
                return dir.resolve("local/target/apicurio");
            }
            if (dir.getFileName() != null && dir.getFileName().toString().equals("local")
                    && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve("target/apicurio");
            }
        }
        return start.resolve("local/target/apicurio");
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range: " + port);
        }
    }
}
