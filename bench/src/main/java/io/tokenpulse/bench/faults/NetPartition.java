package io.tokenpulse.bench.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of its own for one app instance, joined to the host by a veth pair, so the harness can cut
 * that instance off the cluster and let it back: {@link #cut()} takes the host end of the link down, and then the
 * instance's established connections hang with their packets unanswered and new ones find no route, which is what a
 * partition looks like from inside; {@link #heal()} brings the link back. Nothing is dropped by software on the way.
 *
 * <p>The brokers and the registry listen on the host's 127.0.0.1 only, and the brokers advertise those addresses, so
 * inside the namespace a {@link LoopbackBridge} listens on the namespace's own 127.0.0.1 at the same ports and forwards
 * across the link to a second bridge on the host end of the link, which forwards to the host's loopback. The instance
 * runs with exactly the settings of the others. Everything stays on this machine: the link's addresses
 * ({@code 10.213.N.0/30}) exist only on the veth pair. Needs root (or CAP_NET_ADMIN) and {@code ip} from iproute2.
 */
final class NetPartition implements AutoCloseable {
    private final String namespace;
    private final String hostLink;
    private final String hostAddress;
    private final LoopbackBridge hostBridge;
    private final Process namespaceBridge;

    private NetPartition(String namespace, String hostLink, String hostAddress, LoopbackBridge hostBridge, Process namespaceBridge) {
        this.namespace = namespace;
        this.hostLink = hostLink;
        this.hostAddress = hostAddress;
        this.hostBridge = hostBridge;
        this.namespaceBridge = namespaceBridge;
    }

    /** Why a partition cannot be made here, or null when it can (root and a working {@code ip netns}). */
    static String unavailable() {
        try {
            String probe = "tp-probe-" + ProcessHandle.current().pid();
            String add = run(List.of("ip", "netns", "add", probe));
            if (add != null) {
                return "'ip netns add' failed (" + add + "); the partition needs root or CAP_NET_ADMIN and iproute2";
            }
            run(List.of("ip", "netns", "delete", probe));
            return null;
        } catch (IOException e) {
            return "no 'ip' command (" + e.getMessage() + "); the partition needs iproute2";
        }
    }

    /**
     * Makes namespace {@code tp-part-N} with a veth pair to the host and the two bridges for {@code ports} (the brokers'
     * and the registry's). {@code log} receives the namespace bridge's output.
     */
    static NetPartition create(int n, List<Integer> ports, Path log) throws IOException {
        String ns = "tp-part-" + n;
        String hostLink = "tpp" + n + "h";
        String nsLink = "tpp" + n + "n";
        String hostAddress = "10.213." + n + ".1";
        String nsAddress = "10.213." + n + ".2";
        run(List.of("ip", "netns", "delete", ns)); // a leftover of an interrupted run; an error here means there was none
        check(List.of("ip", "netns", "add", ns));
        check(List.of("ip", "link", "add", hostLink, "type", "veth", "peer", "name", nsLink));
        check(List.of("ip", "link", "set", nsLink, "netns", ns));
        check(List.of("ip", "addr", "add", hostAddress + "/30", "dev", hostLink));
        check(List.of("ip", "link", "set", hostLink, "up"));
        check(List.of("ip", "netns", "exec", ns, "ip", "addr", "add", nsAddress + "/30", "dev", nsLink));
        check(List.of("ip", "netns", "exec", ns, "ip", "link", "set", nsLink, "up"));
        check(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"));
        LoopbackBridge hostBridge = new LoopbackBridge(hostAddress, "127.0.0.1", ports);
        List<String> bridge = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), LoopbackBridge.class.getName(), "127.0.0.1", hostAddress));
        ports.forEach(p -> bridge.add(Integer.toString(p)));
        Process nsBridge = new ProcessBuilder(bridge).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        NetPartition net = new NetPartition(ns, hostLink, hostAddress, hostBridge, nsBridge);
        try {
            net.awaitBridge(log, Duration.ofSeconds(30));
        } catch (IOException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /** Until the namespace's bridge says it listens (a JVM start), so the instance finds its ports open. */
    private void awaitBridge(Path log, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("bridging 127.0.0.1")) {
                return;
            }
            if (!namespaceBridge.isAlive()) {
                throw new IOException("the bridge in " + namespace + " exited; see " + log);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("the bridge in " + namespace + " did not start within " + timeout + "; see " + log);
    }

    /** The command, run inside the namespace ({@code ip netns exec} execs it, so its pid is the command's own). */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(command);
        return wrapped;
    }

    void cut() throws IOException {
        check(List.of("ip", "link", "set", hostLink, "down"));
    }

    void heal() throws IOException {
        check(List.of("ip", "link", "set", hostLink, "up"));
    }

    String describe() {
        return "namespace " + namespace + " via " + hostLink + " (" + hostAddress + ")";
    }

    @Override
    public void close() {
        namespaceBridge.destroyForcibly();
        hostBridge.close();
        try {
            namespaceBridge.waitFor(10, TimeUnit.SECONDS);
            run(List.of("ip", "netns", "delete", namespace)); // takes its end of the veth pair, and so the pair, with it
            run(List.of("ip", "link", "delete", hostLink)); // in case the pair outlived it
        } catch (IOException e) {
            System.err.println("could not remove " + describe() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void check(List<String> command) throws IOException {
        String error = run(command);
        if (error != null) {
            throw new IOException(String.join(" ", command) + " failed: " + error);
        }
    }

    /** Runs a command; null when it exited 0, else what it printed. */
    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : output.isEmpty() ? "exit " + p.exitValue() : output;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
