package io.tokenpulse.local;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A node of the stack as {@code up} started it, in a background process of its own: its handle, when it was
 * launched (timeouts count from there), and where its log ended at launch, so readiness is read only from what
 * this run wrote.
 */
record Launch(ProcessHandle process, long launchedAtNanos, Path log, long logOffset) {

    /** Starts a {@link KafkaNode} in {@code dir}, appending its output to {@code log}. */
    static Launch kafka(KafkaNode.Settings settings, Path dir, Path log) {
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
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
            return new Launch(process.toHandle(), System.nanoTime(), log, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka: " + command, e);
        }
    }

    static Launch registry(RegistryNode.Options options) {
        long offset = size(options.logFile());
        Process process = RegistryNode.launch(options, true);
        return new Launch(process.toHandle(), System.nanoTime(), options.logFile(), offset);
    }

    /** KafkaNode prints its ready line once a client can use it; that is the only signal we trust. */
    Duration awaitKafka(Duration timeout) {
        long deadline = launchedAtNanos + timeout.toNanos();
        while (true) {
            if (readFrom(log, logOffset).contains(KafkaNode.READY_PREFIX)) {
                return elapsed();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited before it was ready; last lines of "
                        + log + ":\n" + Processes.tail(log, 30));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka was not ready within " + timeout.toSeconds()
                        + " s; last lines of " + log + ":\n" + Processes.tail(log, 30));
            }
            sleep(100);
        }
    }

    /**
     * Every node serves alone first; a replicated topic can be created only once all of them are in the cluster.
     * Waits until {@code brokers} nodes are, counting the timeout from the {@code first} node's launch.
     */
    static void awaitBrokers(String bootstrap, int brokers, Launch first, Duration timeout, Path logsDir) {
        long deadline = first.launchedAtNanos() + timeout.toNanos();
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "tokenpulse-local-up",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        int seen = 0;
        try (Admin admin = Admin.create(conf)) {
            while (System.nanoTime() < deadline) {
                try {
                    seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (seen >= brokers) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not all there yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
                sleep(200);
            }
        }
        throw new IllegalStateException("only " + seen + " of " + brokers + " Kafka nodes joined within "
                + timeout.toSeconds() + " s; see " + logsDir);
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - launchedAtNanos);
    }

    Duration remaining(Duration timeout) {
        return timeout.minus(elapsed()).isNegative() ? Duration.ZERO : timeout.minus(elapsed());
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0; // unreadable now: readiness then reads the log from its start, which only waits longer
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
            return ""; // not readable yet: the next poll reads it again
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
