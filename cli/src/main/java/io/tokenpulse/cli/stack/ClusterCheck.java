package io.tokenpulse.cli.stack;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Before a command builds a Kafka client: is anything listening where it is about to connect? A Kafka client with
 * nobody to talk to retries for its full timeout while it logs a warning a second, and then fails with a message
 * about metadata; this says in a second and a half what is missing and which command fixes it.
 *
 * <p>It only opens and closes a TCP connection to each address (any one answering is enough), so it costs nothing
 * on a real cluster and needs no credentials: TLS and SASL start after the connection it stops at.
 */
public final class ClusterCheck {
    /** How long the addresses together may take to answer: a local or LAN listener accepts in milliseconds. */
    static final Duration BUDGET = Duration.ofMillis(1500);

    /** Nothing answers at the configured address; the message says what to do. Exit code 2, like a usage error. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private ClusterCheck() {
    }

    /** Throws {@link Unavailable} unless something accepts connections at the Kafka and the registry address. */
    public static void require(AppConfig config, Settings settings) {
        String kafkaOrigin = settings.origin(AppConfig.BOOTSTRAP_SERVERS);
        if (!anyAnswers(kafkaAddresses(config.bootstrapServers()))) {
            throw new Unavailable(message("Kafka", config.bootstrapServers(), kafkaOrigin, "--bootstrap-servers HOST:PORT"));
        }
        String registryOrigin = settings.origin(AppConfig.REGISTRY_URL);
        if (!anyAnswers(registryAddresses(config.registry().url()))) {
            throw new Unavailable(message("The schema registry", config.registry().url(), registryOrigin,
                    "--schema-registry-url URL"));
        }
    }

    static String message(String what, String where, String origin, String flag) {
        String fix;
        String problem;
        if (origin.equals("built-in default")) {
            problem = "No cluster to talk to: the local stack is not up (there is no " + Home.stackFile() + ") and no "
                    + flag.substring(0, flag.indexOf(' ')) + " was given (" + what + " was tried at " + where + ").";
            fix = "Start the local stack with ./tokenpulse up, or name a cluster with " + flag + ".";
        } else if (origin.startsWith("local stack file")) {
            problem = what + " of the local stack does not answer at " + where + ": the stack is stopped.";
            fix = "Start it with ./tokenpulse up (./tokenpulse status shows what runs), or name a cluster with " + flag + ".";
        } else {
            problem = what + " does not answer at " + where + " (set by " + origin + ").";
            fix = "Check the address given with " + flag.substring(0, flag.indexOf(' ')) + " (or --config,"
                    + " TOKENPULSE_* variables), or start the local stack with ./tokenpulse up and leave the address out.";
        }
        return problem + System.lineSeparator() + fix;
    }

    /** {@code host:port,host:port}; a bare host gets Kafka's default port. */
    static List<InetSocketAddress> kafkaAddresses(String bootstrapServers) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : bootstrapServers.split(",", -1)) {
            String a = s.trim();
            if (a.isEmpty()) {
                continue;
            }
            int colon = a.lastIndexOf(':');
            boolean hasPort = colon > 0 && a.indexOf(']') < colon;
            String host = hasPort ? a.substring(0, colon) : a;
            int port = hasPort ? parsePort(a.substring(colon + 1)).orElse(-1) : 9092;
            if (port >= 0) {
                out.add(InetSocketAddress.createUnresolved(host.replace("[", "").replace("]", ""), port));
            }
        }
        return out;
    }

    /** Comma-separated {@code http(s)://} registry URLs; the scheme's port when none is given. */
    static List<InetSocketAddress> registryAddresses(String urls) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : urls.split(",", -1)) {
            try {
                URI u = URI.create(s.trim());
                boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
                if (!http || u.getHost() == null) { // mock:// is an in-memory registry: nothing listens for it
                    continue;
                }
                int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
                out.add(InetSocketAddress.createUnresolved(u.getHost().replace("[", "").replace("]", ""), port));
            } catch (IllegalArgumentException e) {
                // Not a URL: nothing to probe here; the registry client reports it in its own words.
            }
        }
        return out;
    }

    /**
     * True when any address accepts a connection within {@link #BUDGET}, or when there is nothing that could be
     * probed (the clients then report the address in their own words). Probes run side by side, so a name that is
     * slow to resolve does not eat the others' time.
     */
    static boolean anyAnswers(List<InetSocketAddress> addresses) {
        if (addresses.isEmpty()) {
            return true;
        }
        ExecutorService pool = Executors.newFixedThreadPool(addresses.size(), r -> {
            Thread t = new Thread(r, "tokenpulse-cluster-check");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture<Boolean> anyAnswer = new CompletableFuture<>();
            AtomicInteger left = new AtomicInteger(addresses.size());
            for (InetSocketAddress a : addresses) {
                // anyAnswer is what is waited on; a probe that throws leaves it to the budget, which answers false.
                var unused = CompletableFuture.supplyAsync(() -> answers(a, BUDGET), pool).thenAccept(ok -> {
                    if (ok) {
                        anyAnswer.complete(true);
                    } else if (left.decrementAndGet() == 0) {
                        anyAnswer.complete(false);
                    }
                });
            }
            return anyAnswer.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // interrupted: let the command go on and its clients decide
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean answers(InetSocketAddress unresolved, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()), (int) timeout.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<Integer> parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            return p >= 0 && p <= 65535 ? Optional.of(p) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
