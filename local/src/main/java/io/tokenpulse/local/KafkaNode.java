package io.tokenpulse.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One KRaft Kafka node (broker and controller in one process), in this JVM: alone, or one of a cluster of
 * combined nodes that share a static voter set. Its data survives a restart on the same directory: the
 * directory is formatted only once.
 *
 * <p>Run {@link #main} to host it in a JVM of its own; it prints {@value #READY_PREFIX}{@code <bootstrap>}
 * once it serves and stops cleanly on SIGTERM.
 */
public final class KafkaNode implements AutoCloseable {
    public static final String READY_PREFIX = "KAFKA READY ";

    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);
    private static final int DEFAULT_NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Where and on which ports a node runs; a port of 0 means "pick a free one".
     *
     * @param nodeId this node's id (1 for a single node)
     * @param voters the static controller quorum, {@code id@host:port,...}; null or blank for a node alone, which
     *               is then its own voter on {@code controllerPort}. Every node of a cluster is given the same set.
     * @param clusterId the id every node of a cluster is formatted with; null for a random one (a node alone)
     */
    public record Settings(Path dir, String host, int port, int controllerPort, int nodeId, String voters,
                           String clusterId) {
        public static final String DEFAULT_HOST = "127.0.0.1";
        private static final List<String> OPTIONS = List.of("dir", "port", "controller-port", "host", "node-id", "voters",
                "cluster-id");

        public Settings {
            if (dir == null) {
                throw new IllegalArgumentException("a data directory is required");
            }
            host = host == null || host.isBlank() ? DEFAULT_HOST : host;
            checkPort(port);
            checkPort(controllerPort);
            if (nodeId < 1) {
                throw new IllegalArgumentException("node id must be at least 1, got " + nodeId);
            }
            voters = voters == null || voters.isBlank() ? null : voters.trim();
            clusterId = clusterId == null || clusterId.isBlank() ? null : clusterId.trim();
            if (voters != null && (controllerPort == 0 || clusterId == null)) {
                // Peers find this node's controller at the port named in the voter set, and must share its cluster id.
                throw new IllegalArgumentException("a node of a cluster needs a fixed controller port and a cluster id");
            }
        }

        /** A node alone. */
        public Settings(Path dir, String host, int port, int controllerPort) {
            this(dir, host, port, controllerPort, DEFAULT_NODE_ID, null, null);
        }

        public static Settings of(Path dir) {
            return new Settings(dir, DEFAULT_HOST, 0, 0);
        }

        /** How many voters, hence brokers, the cluster of this node has. */
        public int clusterSize() {
            return voters == null ? 1 : voters.split(",").length;
        }

        /**
         * Parses {@code --dir D [--port P] [--controller-port C] [--host H] [--node-id N --voters V --cluster-id ID]}
         * ({@code --key=value} also works).
         */
        public static Settings parse(String... args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument: " + arg);
                }
                int eq = arg.indexOf('=');
                String name = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
                String value;
                if (eq > 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("missing value for --" + name);
                }
                if (!OPTIONS.contains(name)) {
                    throw new IllegalArgumentException("unknown option --" + name
                            + " (expected --dir, --port, --controller-port, --host, --node-id, --voters, --cluster-id)");
                }
                values.put(name, value);
            }
            String dir = values.get("dir");
            if (dir == null) {
                throw new IllegalArgumentException("--dir is required");
            }
            int nodeId = values.containsKey("node-id") ? intOption(values, "node-id") : DEFAULT_NODE_ID;
            return new Settings(Path.of(dir), values.getOrDefault("host", DEFAULT_HOST),
                    intOption(values, "port"), intOption(values, "controller-port"), nodeId, values.get("voters"),
                    values.get("cluster-id"));
        }

        /** The command-line form {@link #parse} reads back. */
        public List<String> toArgs() {
            List<String> args = new java.util.ArrayList<>(List.of("--dir", dir.toString(), "--host", host,
                    "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort)));
            if (nodeId != DEFAULT_NODE_ID) {
                args.addAll(List.of("--node-id", Integer.toString(nodeId)));
            }
            if (voters != null) {
                args.addAll(List.of("--voters", voters, "--cluster-id", clusterId));
            }
            return List.copyOf(args);
        }

        private static int intOption(Map<String, String> values, String name) {
            String value = values.getOrDefault(name, "0");
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a number, got " + value, e);
            }
        }

        private static void checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
    }

    private final KafkaRaftServer server;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final Object closeLock = new Object();
    private boolean closed;

    private KafkaNode(KafkaRaftServer server, String host, int port, int controllerPort) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats the directory if it is new, starts the node and returns once a client can use it. */
    public static KafkaNode start(Settings settings) {
        long started = System.nanoTime();
        int port = Ports.orFree(settings.host(), settings.port());
        int controllerPort = Ports.orFree(settings.host(), settings.controllerPort());
        if (port == controllerPort) {
            controllerPort = Ports.freePort(settings.host());
        }
        Path dir = settings.dir().toAbsolutePath();
        String voters = settings.voters() == null ? settings.nodeId() + "@" + settings.host() + ":" + controllerPort
                : settings.voters();
        Properties props = brokerProperties(dir, settings.host(), port, controllerPort, settings.nodeId(), voters);
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(config, dir, settings.nodeId(),
                settings.clusterId() == null ? Uuid.randomUuid().toString() : settings.clusterId());

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        KafkaNode node = new KafkaNode(server, settings.host(), port, controllerPort);
        try {
            server.startup();
            node.awaitBrokerServing(READY_TIMEOUT);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        log.info("Kafka {} ready in {} ms (data {})", node.bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dir);
        return node;
    }

    /** {@link #brokerProperties(Path, String, int, int, int, String)} for a node alone. */
    static Properties brokerProperties(Path dir, String host, int port, int controllerPort) {
        return brokerProperties(dir, host, port, controllerPort, DEFAULT_NODE_ID,
                DEFAULT_NODE_ID + "@" + host + ":" + controllerPort);
    }

    /**
     * The broker configuration for one node of a cluster of as many nodes as {@code voters} names. Alone, every
     * replication setting and min ISR is 1, or Kafka Streams exactly_once_v2 cannot create its transaction and
     * offset topics on one broker. In a cluster of three or more, every topic (ours, Streams' internal ones, the
     * offsets and transaction logs) gets three replicas and needs two in sync to accept a write: one broker may
     * die without losing an acknowledged record or stopping producers.
     */
    static Properties brokerProperties(Path dir, String host, int port, int controllerPort, int nodeId, String voters) {
        int size = voters.split(",").length;
        String replicas = Integer.toString(Math.min(size, 3));
        String minIsr = size >= 3 ? "2" : "1";
        Properties p = new Properties();
        p.put("node.id", Integer.toString(nodeId));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        // A static voter set: the controller port may differ on the next start without re-formatting.
        p.put("controller.quorum.voters", voters);
        p.put("log.dirs", dir.toString());
        p.put("metadata.log.dir", dir.toString());

        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        // Kafka Streams' internal topics and the app's links topic ask for the broker default (replication.factor -1).
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        // A replica that lost its data must never lead: that would silently drop acknowledged records.
        p.put("unclean.leader.election.enable", "false");
        // Fewer partitions for the internal topics: their creation is the slow part of a first group join.
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.num.partitions", "6");
        // Nobody else will join: waiting for more members only delays every Streams start.
        p.put("group.initial.rebalance.delay.ms", "0");
        // A misspelt topic name must fail loudly, not become a topic without LogAppendTime (see TopicDef).
        p.put("auto.create.topics.enable", "false");
        // The default 128 MiB cleaner buffer is meant for big brokers; this one lives on a laptop.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // Compacted local topics are small; compacting them promptly makes the behaviour visible.
        p.put("log.cleaner.backoff.ms", "5000");
        return p;
    }

    private static void format(KafkaConfig config, Path dir, int nodeId, String clusterId) {
        try {
            Files.createDirectories(dir);
            if (Files.exists(dir.resolve("meta.properties"))) {
                return;
            }
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dir.toString())
                    .setWriteBootstrapSnapshot(true)
                    .setHasDynamicQuorum(false)
                    .setIgnoreFormatted(true)
                    .run();
            log.debug("formatted {}", dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** startup() returns before the broker is unfenced; a client sees it only once it is. */
    private void awaitBrokerServing(Duration timeout) {
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                            .nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    log.debug("broker not serving yet: {}", e.toString());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka did not serve on " + bootstrapServers()
                            + " within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** Stops the node and waits until it has; idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            long started = System.nanoTime();
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                log.warn("Kafka shutdown failed: {}", e.toString(), e);
            }
            log.info("Kafka {} stopped in {} ms", bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /** Hosts a node in this JVM until SIGTERM. Exit code 2 for bad arguments, 1 if it cannot start. */
    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("KafkaNode: " + e.getMessage());
            System.err.println("usage: KafkaNode --dir DIR [--port P] [--controller-port C] [--host H]");
            System.exit(2);
            return;
        }
        KafkaNode node;
        try {
            node = start(settings);
        } catch (RuntimeException | LinkageError e) {
            // Exit explicitly: broker threads started before the failure would keep this JVM alive.
            log.error("Kafka did not start: {}", e.toString(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "kafka-node-shutdown"));
        System.out.println(READY_PREFIX + node.bootstrapServers());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
