package io.tokenpulse.bench.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One 'tokenpulse run' as a JVM of its own, so the harness can SIGKILL, SIGSTOP or SIGTERM it like an operator's
 * process. Its output is appended to a log; each start appends a marker, so "RUNNING since this start" is exact.
 */
final class Instance {
    static final String RUNNING_LINE = "TokenPulse is running";

    final String name;
    final Path stateDir;
    private final Path log;
    private final List<String> args;
    /** The network namespace it runs in, or null for the host's network. */
    private final NetPartition network;
    private Process process;
    private long startedNanos;
    private long logOffset;

    Instance(String name, Path stateDir, Path log, List<String> runArgs, NetPartition network) {
        this.name = name;
        this.stateDir = stateDir;
        this.log = log;
        this.args = List.copyOf(runArgs);
        this.network = network;
    }

    /** The namespace this instance runs in, or null. */
    NetPartition network() {
        return network;
    }

    synchronized Instance start() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.tokenpulse.cli.TokenPulseCli", "run"));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            startedNanos = System.nanoTime();
            process = new ProcessBuilder(network == null ? command : network.wrap(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    /** Waits for RUNNING after the latest start; returns how long it took from the start. */
    Duration awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = startedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logSinceStart().contains(RUNNING_LINE)) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before RUNNING; see " + log);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not RUNNING within " + timeout + "; see " + log);
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void signal(String sig) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM (the app's shutdown hook closes it); returns how long the process took to exit, or null past the limit. */
    Duration stop(Duration limit) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return Duration.ZERO;
        }
        long t0 = System.nanoTime();
        process.destroy();
        if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            return Duration.ofNanos(System.nanoTime() - t0);
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return null;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    void deleteState() throws IOException {
        if (!Files.exists(stateDir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(stateDir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    long stateBytes() throws IOException {
        if (!Files.exists(stateDir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(stateDir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The settings of 'run' as command-line flags. */
    static List<String> flags(String bootstrap, String registry, Map<String, String> settings) {
        List<String> args = new ArrayList<>(List.of("-b", bootstrap, "-r", registry));
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return args;
    }
}
