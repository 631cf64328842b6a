package io.tokenpulse.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry 2.6 (the Quarkus runner unpacked by this module's build) as a child process,
 * serving the Confluent-compatible API at {@code http://host:port/apis/ccompat/v7}.
 *
 * <p>Storage: this distribution only has the SQL storage with an embedded H2 (the kafkasql and
 * PostgreSQL storages are separate 2.x distributions). Given a data directory, H2 keeps its database
 * in a file there, so schema ids survive a restart; without one it lives in memory.
 */
public final class RegistryNode implements AutoCloseable {
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(RegistryNode.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * How to run one registry.
     *
     * @param apicurioDir the unpacked {@code apicurio-registry-app} (holds the runner jar and {@code lib/})
     * @param dataDir where H2 keeps the database, or {@code null} to keep it in memory
     * @param port 0 picks a free one
     * @param logFile where the child's output goes (appended)
     */
    public record Options(Path apicurioDir, Path dataDir, String host, int port, Path logFile) {
        public Options {
            if (apicurioDir == null || logFile == null) {
                throw new IllegalArgumentException("apicurioDir and logFile are required");
            }
            host = host == null || host.isBlank() ? KafkaNode.Settings.DEFAULT_HOST : host;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public Options withPort(int newPort) {
            return new Options(apicurioDir, dataDir, host, newPort, logFile);
        }
    }

    private final Process process;
    private final String url;
    private final int port;

    private RegistryNode(Process process, String host, int port) {
        this.process = process;
        this.port = port;
        this.url = baseUrl(host, port);
    }

    /** Starts the registry and returns once its API answers; fails with the tail of its log otherwise. */
    public static RegistryNode start(Options options, Duration timeout) {
        Options resolved = options.withPort(Ports.orFree(options.host(), options.port()));
        Process process = launch(resolved, false);
        RegistryNode node = new RegistryNode(process, resolved.host(), resolved.port());
        try {
            awaitReady(node.url(), process.toHandle(), resolved.logFile(), timeout);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /**
     * Starts the registry process without waiting for it. {@code detached} puts it in a session of its
     * own, so a Ctrl-C or a closed terminal that ends the launching CLI does not end it too.
     * The port must be resolved (non-zero).
     */
    static Process launch(Options options, boolean detached) {
        if (options.port() == 0) {
            throw new IllegalArgumentException("launch needs a concrete port");
        }
        // Absolute: the child runs in its data directory, where a relative path would point nowhere.
        Path jar = runnerJar(options.apicurioDir()).toAbsolutePath();
        List<String> command = new ArrayList<>();
        if (detached) {
            Processes.setsid().ifPresent(command::add);
        }
        command.add(Processes.javaBinary());
        command.addAll(jvmOptions(options));
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(options.logFile().toAbsolutePath().getParent());
            Path workDir = options.dataDir() != null ? options.dataDir() : options.logFile().toAbsolutePath().getParent();
            Files.createDirectories(workDir);
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(options.logFile().toFile()))
                    .redirectErrorStream(true)
                    .start();
            log.debug("registry pid {} on port {}: {}", process.pid(), options.port(), command);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Apicurio Registry from " + jar, e);
        }
    }

    /** The system properties that make Apicurio a well-behaved local, Confluent-compatible registry. */
    static List<String> jvmOptions(Options options) {
        List<String> opts = new ArrayList<>(List.of(
                // The heap Quarkus picks by default is a quarter of the machine; a local registry needs little.
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                // Quarkus binds 0.0.0.0 unless told otherwise; a dev registry has no business on the LAN.
                "-Dquarkus.http.host=" + options.host(),
                "-Dquarkus.http.port=" + options.port(),
                // This build has no separate management interface (health is on the main port); say so explicitly
                // so two registries on one machine can never clash on a default management port.
                "-Dquarkus.management.enabled=false",
                // ccompat ids are content ids (the default, made explicit): the same schema has the same id in
                // every subject, as in Confluent. Legacy mode would hand out a new global id per version.
                "-Dregistry.ccompat.legacy-id-mode.enabled=false",
                // Confluent matches a schema by its parsed form, so whitespace or key order does not create a
                // new id or break a lookup; Apicurio does that only with the canonical hash.
                "-Dregistry.ccompat.use-canonical-hash=true",
                // Confluent's default compatibility; the contract (docs/CONTRACT.md) requires BACKWARD evolution.
                "-Dregistry.rules.global.compatibility=BACKWARD"));
        if (options.dataDir() != null) {
            Path db = options.dataDir().toAbsolutePath().resolve("registry");
            opts.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + db);
        }
        return opts;
    }

    /** The runner jar inside an unpacked Apicurio directory. */
    public static Path runnerJar(Path apicurioDir) {
        if (Files.isDirectory(apicurioDir)) {
            try (Stream<Path> files = Files.list(apicurioDir)) {
                Optional<Path> jar = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + apicurioDir, e);
            }
        }
        throw new IllegalStateException("no Apicurio Registry runner jar in " + apicurioDir.toAbsolutePath()
                + "; run `mvn -pl local package` to unpack it");
    }

    /** Polls the ccompat API until it answers 200; fails early if the process dies. */
    static void awaitReady(String url, ProcessHandle process, Path logFile, Duration timeout) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited before it was ready; last log lines:\n"
                        + Processes.tail(logFile, 30));
            }
            if (answers(probe)) {
                log.info("registry {} ready in {} ms", url, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Apicurio Registry did not answer on " + url + " within "
                        + timeout.toSeconds() + " s; last log lines:\n" + Processes.tail(logFile, 30));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
        }
    }

    /** Whether the ccompat API of the registry at {@code url} answers 200 now. */
    public static boolean answers(String url) {
        return answers(HttpRequest.newBuilder(URI.create(url + "/subjects")).timeout(Duration.ofSeconds(2)).GET().build());
    }

    private static boolean answers(HttpRequest probe) {
        try {
            return HTTP.send(probe, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static String baseUrl(String host, int port) {
        return "http://" + host + ":" + port + CCOMPAT_PATH;
    }

    /** The Confluent-compatible base URL, what {@code schema.registry.url} should be. */
    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        Processes.stop(process.toHandle(), STOP_TIMEOUT);
    }
}
