package io.tokenpulse.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting and stopping the stack's child processes. */
final class Processes {
    private static final Logger log = LoggerFactory.getLogger(Processes.class);
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private Processes() {
    }

    /** The java binary running this JVM, so children run on the same Java. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The class path with every entry made absolute, because children run in their own data directory.
     * A trailing {@code *} (all jars of a directory) survives.
     */
    static String absoluteClassPath(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator, -1)) {
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*") || entry.endsWith(File.separator + "*")) {
                String dir = entry.substring(0, entry.length() - 1);
                entries.add(Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize() + File.separator + "*");
            } else {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * setsid(1), when present. It execs in place (our child is never a group leader), so the pid we get
     * is the pid of the real process.
     */
    static Optional<String> setsid() {
        return SETSID.stream().filter(Files::isExecutable).map(Path::toString).findFirst();
    }

    /** A live process with this pid that started at {@code startMillis}; a reused pid does not count. */
    static Optional<ProcessHandle> find(long pid, long startMillis) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> startMillis <= 0 || p.info().startInstant()
                        .map(s -> Math.abs(s.toEpochMilli() - startMillis) < 2_000)
                        .orElse(true));
    }

    static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /**
     * SIGTERM to the process and its descendants, then SIGKILL to whatever is still alive after
     * {@code timeout}. Returns true when it ended on SIGTERM.
     */
    static boolean stop(ProcessHandle process, Duration timeout) {
        return stopAll(List.of(process), timeout);
    }

    /** {@link #stop} for several processes at once, so their shutdowns overlap. */
    static boolean stopAll(List<ProcessHandle> processes, Duration timeout) {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle p : processes) {
            // Descendants first collected: once the parent is gone they are reparented and lost from view.
            p.descendants().forEach(all::add);
            all.add(p);
        }
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean graceful = true;
        for (ProcessHandle p : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                graceful = false;
                log.warn("pid {} ignored SIGTERM for {} s; killing it", p.pid(), timeout.toSeconds());
                p.destroyForcibly();
                awaitExit(p, Duration.ofSeconds(5));
            } catch (ExecutionException e) {
                throw new IllegalStateException("waiting for pid " + p.pid(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                return false;
            }
        }
        return graceful;
    }

    private static void awaitExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn("pid {} still alive after SIGKILL", p.pid());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of a log file, for error messages. */
    static String tail(Path file, int lines) {
        if (file == null || !Files.exists(file)) {
            return "(no log at " + file + ")";
        }
        try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
            List<String> list = all.toList();
            return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
