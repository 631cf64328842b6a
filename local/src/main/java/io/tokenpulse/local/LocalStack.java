package io.tokenpulse.local;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The local stack behind {@code up}, {@code down} and {@code status}: a Kafka node and a schema registry,
 * each in a background process of its own that outlives the command, with all data under one home
 * directory ({@code kafka/}, {@code registry/}, {@code logs/}, {@code stack.properties}).
 *
 * <p>Nothing here exits the JVM; progress goes to the {@link PrintStream} given.
 */
public final class LocalStack {
    public static final String STATE_FILE = "stack.properties";
    private static final long STOP_TIMEOUT_SECONDS = 15;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_TIMEOUT_SECONDS);
    private static final String KAFKA = "kafka";
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
     * Starts whatever part of the stack is not running, creates the topics and records the addresses in
     * {@code stack.properties}. If both parts already run it does nothing. On failure it stops what it
     * started and throws {@link IllegalStateException} with the reason and the tail of the log.
     */
    public UpResult up(StackOptions options) {
        StackState state = StackState.load(stateFile());
        Optional<ProcessHandle> kafkaRunning = running(state, StackState.KAFKA_PID, StackState.KAFKA_STARTED);
        Optional<ProcessHandle> registryRunning = running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED);
        if (kafkaRunning.isPresent() && registryRunning.isPresent()) {
            out.printf("The stack is already up (kafka pid %d, registry pid %d).%n",
                    kafkaRunning.get().pid(), registryRunning.get().pid());
            printWhere(state);
            return new UpResult(true, state.get(StackState.BOOTSTRAP_SERVERS), state.get(StackState.SCHEMA_REGISTRY_URL),
                    Duration.ZERO, Duration.ZERO, List.of());
        }
        if (registryRunning.isEmpty()) {
            // Checked before anything starts: a missing unpack is the most likely first-run mistake.
            RegistryNode.runnerJar(options.apicurioDir());
        }
        mkdirs(kafkaDir(), registryDir(), logsDir());
        String host = kafkaRunning.isPresent() || registryRunning.isPresent()
                ? Optional.ofNullable(state.get(StackState.HOST)).orElse(options.host()) : options.host();
        state.set(StackState.HOST, host);
        state.set(StackState.STATE_DIR, home.resolve("state").toAbsolutePath().toString());

        List<ProcessHandle> started = new ArrayList<>();
        try {
            Launch kafka = null;
            if (kafkaRunning.isEmpty()) {
                int port = pickPort(host, options.kafkaPort(), state.getInt(StackState.KAFKA_PORT), Set.of());
                int controllerPort = pickPort(host, options.controllerPort(), state.getInt(StackState.CONTROLLER_PORT),
                        Set.of(port));
                out.printf("Starting Kafka on %s:%d (data %s)...%n", host, port, kafkaDir());
                kafka = launchKafka(new KafkaNode.Settings(kafkaDir(), host, port, controllerPort));
                started.add(kafka.process());
                state.set(StackState.KAFKA_PORT, port).set(StackState.CONTROLLER_PORT, controllerPort)
                        .set(StackState.BOOTSTRAP_SERVERS, host + ":" + port);
                record(state, StackState.KAFKA_PID, StackState.KAFKA_STARTED, kafka.process());
            }
            Launch registry = null;
            if (registryRunning.isEmpty()) {
                Set<Integer> kafkaPorts = Set.of(state.getInt(StackState.KAFKA_PORT), state.getInt(StackState.CONTROLLER_PORT));
                int port = pickPort(host, options.registryPort(), state.getInt(StackState.REGISTRY_PORT), kafkaPorts);
                out.printf("Starting schema registry on %s:%d (data %s)...%n", host, port, registryDir());
                registry = launchRegistry(new RegistryNode.Options(options.apicurioDir(), registryDir(), host, port,
                        logsDir().resolve("registry.log")));
                started.add(registry.process());
                state.set(StackState.REGISTRY_PORT, port)
                        .set(StackState.SCHEMA_REGISTRY_URL, RegistryNode.baseUrl(host, port));
                record(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED, registry.process());
            }
            // Pids first, so a `down` can clean up even if this command dies while waiting.
            state.save();

            Duration kafkaTime = Duration.ZERO;
            if (kafka != null) {
                kafkaTime = awaitKafka(kafka, options.timeout());
                out.printf("Kafka ready in %.1f s.%n", kafkaTime.toMillis() / 1000.0);
            }
            Duration registryTime = Duration.ZERO;
            if (registry != null) {
                RegistryNode.awaitReady(state.get(StackState.SCHEMA_REGISTRY_URL), registry.process(),
                        logsDir().resolve("registry.log"), remaining(registry, options.timeout()));
                registryTime = elapsed(registry);
                out.printf("Schema registry ready in %.1f s.%n", registryTime.toMillis() / 1000.0);
            }
            List<String> created = createTopics(state.get(StackState.BOOTSTRAP_SERVERS), options);
            out.printf("Topics: %d created, %d already there (%d partitions each when new).%n",
                    created.size(), options.topicNames().size() - created.size(), options.partitions());
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
     * Stops both parts (SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_SECONDS} s, descendants included)
     * and forgets their pids. Data stays unless {@code purge}. Returns true if anything was running.
     */
    public boolean down(boolean purge) {
        StackState state = StackState.load(stateFile());
        List<ProcessHandle> running = new ArrayList<>();
        running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED).ifPresent(p -> {
            out.printf("Stopping schema registry (pid %d)...%n", p.pid());
            running.add(p);
        });
        running(state, StackState.KAFKA_PID, StackState.KAFKA_STARTED).ifPresent(p -> {
            out.printf("Stopping Kafka (pid %d)...%n", p.pid());
            running.add(p);
        });
        if (running.isEmpty()) {
            out.println("The stack is not running.");
        } else if (!Processes.stopAll(running, STOP_TIMEOUT)) {
            out.println("Some processes ignored SIGTERM and were killed.");
        }
        if (Files.exists(stateFile())) {
            forgetStopped(state);
        }
        if (purge) {
            // state/ holds the app's stores and checkpoints: kept, they would point past the end of the new, empty topics.
            for (Path dir : List.of(kafkaDir(), registryDir(), logsDir(), home.resolve("state"), stateFile())) {
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
        String bootstrap = state.get(StackState.BOOTSTRAP_SERVERS);
        StackStatus.Part kafka = running(state, StackState.KAFKA_PID, StackState.KAFKA_STARTED)
                .map(p -> new StackStatus.Part(KAFKA, true, p.pid(), bootstrap,
                        bootstrap != null && Ports.isListening(state.get(StackState.HOST), state.getInt(StackState.KAFKA_PORT))))
                .orElse(StackStatus.Part.stopped(KAFKA, bootstrap));
        String url = state.get(StackState.SCHEMA_REGISTRY_URL);
        StackStatus.Part registry = running(state, StackState.REGISTRY_PID, StackState.REGISTRY_STARTED)
                .map(p -> new StackStatus.Part(REGISTRY, true, p.pid(), url, url != null && RegistryNode.answers(url)))
                .orElse(StackStatus.Part.stopped(REGISTRY, url));
        return new StackStatus(home, kafka, registry);
    }

    private record Launch(ProcessHandle process, long launchedAtNanos, Path log, long logOffset) {
    }

    private Launch launchKafka(KafkaNode.Settings settings) {
        Path log = logsDir().resolve("kafka.log");
        long offset = size(log);
        List<String> command = new ArrayList<>();
        Processes.setsid().ifPresent(command::add);
        command.addAll(List.of(Processes.javaBinary(),
                // kafka-server-start.sh uses 1 GiB; the stack runs beside an IDE and the streams app, so less.
                "-Xms256m", "-Xmx768m",
                "-Dlogback.configurationFile=io/tokenpulse/local/kafka-node-logback.xml",
                "-cp", Processes.absoluteClassPath(System.getProperty("java.class.path")),
                KafkaNode.class.getName()));
        command.addAll(settings.toArgs());
        try {
            Process process = new ProcessBuilder(command)
                    .directory(kafkaDir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
            return new Launch(process.toHandle(), System.nanoTime(), log, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka: " + command, e);
        }
    }

    private Launch launchRegistry(RegistryNode.Options options) {
        long offset = size(options.logFile());
        Process process = RegistryNode.launch(options, true);
        return new Launch(process.toHandle(), System.nanoTime(), options.logFile(), offset);
    }

    /** KafkaNode prints its ready line once a client can use it; that is the only signal we trust. */
    private Duration awaitKafka(Launch kafka, Duration timeout) {
        long deadline = kafka.launchedAtNanos() + timeout.toNanos();
        while (true) {
            if (readFrom(kafka.log(), kafka.logOffset()).contains(KafkaNode.READY_PREFIX)) {
                return elapsed(kafka);
            }
            if (!kafka.process().isAlive()) {
                throw new IllegalStateException("Kafka exited before it was ready; last lines of "
                        + kafka.log() + ":\n" + Processes.tail(kafka.log(), 30));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka was not ready within " + timeout.toSeconds()
                        + " s; last lines of " + kafka.log() + ":\n" + Processes.tail(kafka.log(), 30));
            }
            sleep(100);
        }
    }

    private List<String> createTopics(String bootstrap, StackOptions options) {
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "tokenpulse-local-up");
        try (Admin admin = Admin.create(conf)) {
            return TopicSetup.ensureTopics(admin, options.topicNames(), options.partitions());
        }
    }

    /**
     * The requested port; else the port of the previous run when still free (clients keep working
     * across down/up); else any free port. Never one of {@code taken}, which other parts of the stack use.
     */
    static int pickPort(String host, int requested, int previous, Set<Integer> taken) {
        if (requested != 0) {
            return requested;
        }
        if (previous > 0 && !taken.contains(previous) && Ports.isFree(host, previous)) {
            return previous;
        }
        int port;
        do {
            port = Ports.freePort(host);
        } while (taken.contains(port));
        return port;
    }

    private static Optional<ProcessHandle> running(StackState state, String pidKey, String startedKey) {
        return Processes.find(state.getLong(pidKey), state.getLong(startedKey));
    }

    private static void record(StackState state, String pidKey, String startedKey, ProcessHandle process) {
        state.set(pidKey, process.pid()).set(startedKey, Processes.startMillis(process));
    }

    /** Drops the pids of processes that are gone, keeping ports so the next up reuses them. */
    private static void forgetStopped(StackState state) {
        if (running(state, StackState.KAFKA_PID, StackState.KAFKA_STARTED).isEmpty()) {
            state.remove(StackState.KAFKA_PID, StackState.KAFKA_STARTED);
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

    private static Duration elapsed(Launch launch) {
        return Duration.ofNanos(System.nanoTime() - launch.launchedAtNanos());
    }

    private static Duration remaining(Launch launch, Duration timeout) {
        return timeout.minus(elapsed(launch)).isNegative() ? Duration.ZERO : timeout.minus(elapsed(launch));
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readFrom(Path file, long offset) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length <= offset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            raf.seek(offset);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
