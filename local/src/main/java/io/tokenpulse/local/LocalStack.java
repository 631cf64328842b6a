package io.tokenpulse.local;

import io.tokenpulse.schemas.TopicSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * The local stack behind {@code up}, {@code down} and {@code status}: one Kafka node (or three, replicated) and
 * a schema registry, each in a background process of its own that outlives the command, with all data under
 * one home directory ({@code kafka/}, {@code kafka-2/}, ..., {@code registry/}, {@code logs/}, {@code stack.properties}).
 *
 * <p>Nothing here exits the JVM; progress goes to the {@link PrintStream} given.
 */
public final class LocalStack {
    public static final String STATE_FILE = "stack.properties";
    private static final long STOP_TIMEOUT_SECONDS = 15;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_TIMEOUT_SECONDS);
    private static final String REGISTRY = "registry";

    private final Path home;
    private final PrintStream out;

    public LocalStack(Path home, PrintStream out) {
        this.home = home.toAbsolutePath();
        this.out = out;
    }

    public Path home() {
        return home;
    }

    public Path stateFile() {
        return home.resolve(STATE_FILE);
    }

    public Path kafkaDir() {
        return home.resolve("kafka");
    }

    public Path registryDir() {
        return home.resolve("registry");
    }

    public Path logsDir() {
        return home.resolve("logs");
    }

    /**
     * Starts whatever part of the stack is not running (each Kafka node, the registry), creates the topics and
     * records the addresses in {@code stack.properties}. If every part already runs it does nothing. On failure
     * it stops what it started and throws {@link IllegalStateException} with the reason and the tail of the log.
     */
    public UpResult up(StackOptions options) {
        StackState state = StackState.load(stateFile());
        int brokers = brokerCount(state, options.brokers());
        Map<Integer, Optional<ProcessHandle>> kafkaRunning = new TreeMap<>();
        for (int id = 1; id <= brokers; id++) {
            kafkaRunning.put(id, runningNode(state, id));
        }
        Optional<ProcessHandle> registryRunning = running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED);
        boolean allKafka = kafkaRunning.values().stream().allMatch(Optional::isPresent);
        boolean anyKafka = kafkaRunning.values().stream().anyMatch(Optional::isPresent);
        if (allKafka && registryRunning.isPresent()) {
            out.printf("The stack is already up (kafka pid %s, registry pid %d).%n",
                    kafkaRunning.values().stream().map(p -> Long.toString(p.get().pid())).collect(Collectors.joining(", ")),
                    registryRunning.get().pid());
            printWhere(state);
            return new UpResult(true, state.get(StackState.BOOTSTRAP_SERVERS), state.get(StackState.SCHEMA_REGISTRY_URL),
                    Duration.ZERO, Duration.ZERO, List.of());
        }
        if (registryRunning.isEmpty()) {
            // Checked before anything starts: a missing unpack is the most likely first-run mistake.
            RegistryNode.runnerJar(options.apicurioDir());
        }
        for (int id = 1; id <= brokers; id++) {
            mkdirs(kafkaDir(id));
        }
        mkdirs(registryDir(), logsDir());
        String host = anyKafka || registryRunning.isPresent()
                ? Optional.ofNullable(state.get(StackState.HOST)).orElse(options.host()) : options.host();
        state.set(StackState.HOST, host);
        state.set(StackState.STATE_DIR, home.resolve("state").toAbsolutePath().toString());
        state.set(StackState.KAFKA_BROKERS, brokers);
        String clusterId = null;
        if (brokers > 1) {
            clusterId = Optional.ofNullable(state.get(StackState.KAFKA_CLUSTER_ID)).orElseGet(() -> Uuid.randomUuid().toString());
            state.set(StackState.KAFKA_CLUSTER_ID, clusterId);
        }

        List<ProcessHandle> started = new ArrayList<>();
        try {
            Map<Integer, int[]> ports = kafkaPorts(state, host, options, brokers, kafkaRunning);
            String voters = brokers == 1 ? null : ports.entrySet().stream()
                    .map(e -> e.getKey() + "@" + host + ":" + e.getValue()[1]).collect(Collectors.joining(","));
            List<Launch> kafka = new ArrayList<>();
            for (int id = 1; id <= brokers; id++) {
                int[] p = ports.get(id);
                state.set(StackState.kafkaKey(id, StackState.KAFKA_PORT), p[0])
                        .set(StackState.kafkaKey(id, StackState.CONTROLLER_PORT), p[1]);
                if (kafkaRunning.get(id).isPresent()) {
                    continue;
                }
                out.printf("Starting Kafka%s on %s:%d (data %s)...%n", brokers == 1 ? "" : " node " + id, host, p[0], kafkaDir(id));
                Launch launch = Launch.kafka(new KafkaNode.Settings(kafkaDir(id), host, p[0], p[1],
                        id, voters, clusterId), kafkaDir(id), kafkaLog(id));
                kafka.add(launch);
                started.add(launch.process());
                record(state, StackState.kafkaKey(id, StackState.KAFKA_PID), StackState.kafkaKey(id, StackState.KAFKA_STARTED),
                        launch.process());
            }
            state.set(StackState.BOOTSTRAP_SERVERS, ports.values().stream().map(p -> host + ":" + p[0])
                    .collect(Collectors.joining(",")));
            Launch registry = null;
            if (registryRunning.isEmpty()) {
                Set<Integer> kafkaPorts = new HashSet<>();
                ports.values().forEach(p -> {
                    kafkaPorts.add(p[0]);
                    kafkaPorts.add(p[1]);
                });
                int port = Ports.pick(host, options.registryPort(), state.getInt(StackState.REGISTRY_PORT), kafkaPorts);
                out.printf("Starting schema registry on %s:%d (data %s)...%n", host, port, registryDir());
                registry = Launch.registry(new RegistryNode.Options(options.apicurioDir(), registryDir(), host, port,
                        logsDir().resolve("registry.log")));
                started.add(registry.process());
                state.set(StackState.REGISTRY_PORT, port)
                        .set(StackState.SCHEMA_REGISTRY_URL, RegistryNode.baseUrl(host, port));
                record(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED, registry.process());
            }
            // Pids first, so a `down` can clean up even if this command dies while waiting.
            state.save();

            Duration kafkaTime = Duration.ZERO;
            for (Launch launch : kafka) {
                Duration t = launch.awaitKafka(options.timeout());
                kafkaTime = t.compareTo(kafkaTime) > 0 ? t : kafkaTime;
            }
            if (!kafka.isEmpty()) {
                if (brokers > 1) {
                    Launch.awaitBrokers(state.get(StackState.BOOTSTRAP_SERVERS), brokers, kafka.get(0), options.timeout(), logsDir());
                    kafkaTime = kafka.get(0).elapsed();
                }
                out.printf("Kafka ready in %.1f s%s.%n", kafkaTime.toMillis() / 1000.0,
                        brokers == 1 ? "" : " (" + kafka.size() + " of " + brokers + " nodes started)");
            }
            Duration registryTime = Duration.ZERO;
            if (registry != null) {
                RegistryNode.awaitReady(state.get(StackState.SCHEMA_REGISTRY_URL), registry.process(),
                        logsDir().resolve("registry.log"), registry.remaining(options.timeout()));
                registryTime = registry.elapsed();
                out.printf("Schema registry ready in %.1f s.%n", registryTime.toMillis() / 1000.0);
            }
            short replicas = (short) Math.min(brokers, 3);
            List<String> created = createTopics(state.get(StackState.BOOTSTRAP_SERVERS), options, replicas);
            out.printf("Topics: %d created, %d already there (%d partitions, %d replica%s each when new).%n",
                    created.size(), options.topicNames().size() - created.size(), options.partitions(), replicas,
                    replicas == 1 ? "" : "s");
            printWhere(state);
            return new UpResult(false, state.get(StackState.BOOTSTRAP_SERVERS),
                    state.get(StackState.SCHEMA_REGISTRY_URL), kafkaTime, registryTime, created);
        } catch (RuntimeException e) {
            if (!started.isEmpty()) {
                out.println("Start failed; stopping what was started.");
                Processes.stopAll(started, STOP_TIMEOUT);
                forgetStopped(state);
            }
            throw e;
        }
    }

    /**
     * The node count to run: the one asked for, else the one this home has; a home formatted for another count
     * cannot change it (the nodes' metadata names the voters), so that is refused with what to do instead.
     */
    private int brokerCount(StackState state, int requested) {
        int recorded = state.getInt(StackState.KAFKA_BROKERS);
        if (recorded == 0 && Files.exists(kafkaDir(1).resolve("meta.properties"))) {
            recorded = 1;
        }
        if (requested == 0) {
            return Math.max(1, recorded);
        }
        if (recorded != 0 && recorded != requested) {
            throw new IllegalStateException("this home (" + home + ") holds a " + recorded + "-broker Kafka; it cannot become "
                    + requested + " brokers in place. Run 'down --purge' first (it deletes the data), or 'up --brokers "
                    + recorded + "'.");
        }
        return requested;
    }

    /**
     * Broker and controller port of each node. A running node keeps its own; a node that starts takes the port of
     * its previous run when free. In a cluster a restarted node must keep its controller port: the others know it
     * by that port in their voter set.
     */
    private Map<Integer, int[]> kafkaPorts(StackState state, String host, StackOptions options, int brokers,
                                           Map<Integer, Optional<ProcessHandle>> running) {
        Map<Integer, int[]> ports = new TreeMap<>();
        Set<Integer> taken = new HashSet<>();
        for (int id = 1; id <= brokers; id++) {
            if (running.get(id).isPresent()) {
                int[] p = {state.getInt(StackState.kafkaKey(id, StackState.KAFKA_PORT)),
                        state.getInt(StackState.kafkaKey(id, StackState.CONTROLLER_PORT))};
                ports.put(id, p);
                taken.add(p[0]);
                taken.add(p[1]);
            }
        }
        boolean quorumUp = !ports.isEmpty() && brokers > 1;
        for (int id = 1; id <= brokers; id++) {
            if (ports.containsKey(id)) {
                continue;
            }
            int previousPort = state.getInt(StackState.kafkaKey(id, StackState.KAFKA_PORT));
            int previousController = state.getInt(StackState.kafkaKey(id, StackState.CONTROLLER_PORT));
            int port = Ports.pick(host, id == 1 ? options.kafkaPort() : 0, previousPort, taken);
            taken.add(port);
            int controller;
            if (quorumUp && previousController > 0) {
                if (!Ports.isFree(host, previousController)) {
                    throw new IllegalStateException("Kafka node " + id + " must come back on its controller port "
                            + previousController + " (the running nodes know it there), but something else listens on it");
                }
                controller = previousController;
            } else {
                controller = Ports.pick(host, id == 1 ? options.controllerPort() : 0, previousController, taken);
            }
            taken.add(controller);
            ports.put(id, new int[] {port, controller});
        }
        return ports;
    }

    /**
     * Stops every part (SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_SECONDS} s, descendants included)
     * and forgets their pids. Data stays unless {@code purge}. Returns true if anything was running.
     */
    public boolean down(boolean purge) {
        StackState state = StackState.load(stateFile());
        List<ProcessHandle> running = new ArrayList<>();
        running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED).ifPresent(p -> {
            out.printf("Stopping schema registry (pid %d)...%n", p.pid());
            running.add(p);
        });
        int brokers = Math.max(1, state.getInt(StackState.KAFKA_BROKERS));
        for (int id = 1; id <= brokers; id++) {
            int node = id;
            runningNode(state, id).ifPresent(p -> {
                out.printf("Stopping Kafka%s (pid %d)...%n", brokers == 1 ? "" : " node " + node, p.pid());
                running.add(p);
            });
        }
        if (running.isEmpty()) {
            out.println("The stack is not running.");
        } else if (!Processes.stopAll(running, STOP_TIMEOUT)) {
            out.println("Some processes ignored SIGTERM and were killed.");
        }
        if (Files.exists(stateFile())) {
            forgetStopped(state);
        }
        if (purge) {
            List<Path> doomed = new ArrayList<>(List.of(registryDir(), logsDir(), home.resolve("state"), stateFile()));
            for (int id = 1; id <= Math.max(3, brokers); id++) {
                doomed.add(kafkaDir(id));
            }
            // state/ holds the app's stores and checkpoints: kept, they would point past the end of the new, empty topics.
            for (Path dir : doomed) {
                deleteRecursively(dir);
            }
            out.printf("Deleted the stack's data under %s.%n", home);
        } else if (!running.isEmpty()) {
            out.printf("Stopped. Data kept under %s (down --purge deletes it).%n", home);
        }
        return !running.isEmpty();
    }

    /** Each part: its process, its address, and whether it answers there. */
    public StackStatus status() {
        StackState state = StackState.load(stateFile());
        String host = Optional.ofNullable(state.get(StackState.HOST)).orElse(KafkaNode.Settings.DEFAULT_HOST);
        int brokers = Math.max(1, state.getInt(StackState.KAFKA_BROKERS));
        List<StackStatus.Broker> nodes = new ArrayList<>();
        for (int id = 1; id <= brokers; id++) {
            int port = state.getInt(StackState.kafkaKey(id, StackState.KAFKA_PORT));
            Optional<ProcessHandle> p = runningNode(state, id);
            nodes.add(new StackStatus.Broker(id, p.map(ProcessHandle::pid).orElse(0L), host, port, p.isPresent(),
                    p.isPresent() && port > 0 && Ports.isListening(host, port)));
        }
        String url = state.get(StackState.SCHEMA_REGISTRY_URL);
        StackStatus.Part registry = running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED)
                .map(p -> new StackStatus.Part(REGISTRY, true, p.pid(), url, url != null && RegistryNode.answers(url)))
                .orElse(StackStatus.Part.stopped(REGISTRY, url));
        return new StackStatus(home, nodes, registry);
    }

    /** Node 1 lives in {@code kafka/} (as the single-node stack always did), node n in {@code kafka-n/}. */
    public Path kafkaDir(int id) {
        return id == 1 ? kafkaDir() : home.resolve("kafka-" + id);
    }

    private Path kafkaLog(int id) {
        return logsDir().resolve(id == 1 ? "kafka.log" : "kafka-" + id + ".log");
    }

    private static Optional<ProcessHandle> runningNode(StackState state, int id) {
        return running(state, StackState.kafkaKey(id, StackState.KAFKA_PID), StackState.kafkaKey(id, StackState.KAFKA_STARTED));
    }

    private List<String> createTopics(String bootstrap, StackOptions options, short replicas) {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "tokenpulse-local-up");
        try (Admin admin = Admin.create(conf)) {
            return TopicSetup.ensureTopics(admin, options.topicNames(), options.partitions(), replicas);
        }
    }

    private static Optional<ProcessHandle> running(StackState state, String pidKey, String startedKey) {
        return Processes.find(state.getLong(pidKey), state.getLong(startedKey));
    }

    private static void record(StackState state, String pidKey, String startedKey, ProcessHandle process) {
        state.set(pidKey, process.pid()).set(startedKey, Processes.startMillis(process));
    }

    /** Drops the pids of processes that are gone, keeping ports so the next up reuses them. */
    private static void forgetStopped(StackState state) {
        for (int id = 1; id <= Math.max(1, state.getInt(StackState.KAFKA_BROKERS)); id++) {
            if (runningNode(state, id).isEmpty()) {
                state.remove(StackState.kafkaKey(id, StackState.KAFKA_PID), StackState.kafkaKey(id, StackState.KAFKA_STARTED));
            }
        }
        if (running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED).isEmpty()) {
            state.remove(StackState.REGISTRY_PID, StackState.REGISTRY_STARTED);
        }
        state.save();
    }

    private void printWhere(StackState state) {
        out.printf("  Kafka            %s=%s%n", StackState.BOOTSTRAP_SERVERS, state.get(StackState.BOOTSTRAP_SERVERS));
        out.printf("  Schema registry  %s=%s%n", StackState.SCHEMA_REGISTRY_URL, state.get(StackState.SCHEMA_REGISTRY_URL));
        out.printf("  Logs             %s%n", logsDir());
        out.printf("  Settings         %s%n", stateFile());
    }

    private static void mkdirs(Path... dirs) {
        for (Path dir : dirs) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
