package io.tokenpulse.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * {@code stack.properties}: where the stack listens and which processes are it. Other tools read
 * {@link #BOOTSTRAP_SERVERS} and {@link #SCHEMA_REGISTRY_URL} from it.
 */
final class StackState {
    static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** The app's state dir under the stack's home, so `run` from any directory finds the same stores. */
    static final String STATE_DIR = "state.dir";
    // The stack's own keys are prefixed: the file is also a config layer, where kafka.* would reach the clients.
    static final String HOST = "stack.host";
    static final String KAFKA_PORT = "stack.kafka.port";
    static final String CONTROLLER_PORT = "stack.kafka.controller.port";
    static final String KAFKA_PID = "stack.kafka.pid";
    static final String KAFKA_STARTED = "stack.kafka.pid.started";
    /** How many Kafka nodes this home's cluster has (absent: one), and the id they were formatted with. */
    static final String KAFKA_BROKERS = "stack.kafka.brokers";
    static final String KAFKA_CLUSTER_ID = "stack.kafka.cluster.id";
    static final String REGISTRY_PORT = "stack.registry.port";
    static final String REGISTRY_PID = "stack.registry.pid";
    static final String REGISTRY_STARTED = "stack.registry.pid.started";

    /**
     * A key of Kafka node {@code id}: node 1 uses the keys of the single-node stack ({@code stack.kafka.port}),
     * so a home written before clusters existed reads the same; node n uses {@code stack.kafka.n.port}.
     */
    static String kafkaKey(int id, String singleNodeKey) {
        return id == 1 ? singleNodeKey : singleNodeKey.replaceFirst("^stack\\.kafka\\.", "stack.kafka." + id + ".");
    }

    private final Path file;
    private final Properties props;

    private StackState(Path file, Properties props) {
        this.file = file;
        this.props = props;
    }

    static StackState load(Path file) {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new StackState(file, props);
    }

    /** Written to a temporary file first, so a reader never sees half a file. */
    void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                props.store(out, "TokenPulse local stack; written by `up`, pids removed by `down`");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    String get(String key) {
        return props.getProperty(key);
    }

    int getInt(String key) {
        return (int) getLong(key);
    }

    long getLong(String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    StackState set(String key, Object value) {
        props.setProperty(key, String.valueOf(value));
        return this;
    }

    StackState remove(String... keys) {
        for (String key : keys) {
            props.remove(key);
        }
        return this;
    }
}
