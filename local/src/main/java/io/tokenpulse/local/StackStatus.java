package io.tokenpulse.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What {@link LocalStack#status()} found: each Kafka node, and the registry. */
public record StackStatus(Path home, List<Broker> brokers, Part registry) {

    public StackStatus {
        brokers = List.copyOf(brokers);
    }

    /**
     * One part of the stack.
     *
     * @param running its process is alive
     * @param pid the process id, or 0 when stopped
     * @param address where it listens (bootstrap servers or registry URL), or null when never started
     * @param answering it accepts requests at that address right now
     */
    public record Part(String name, boolean running, long pid, String address, boolean answering) {
        public static Part stopped(String name, String address) {
            return new Part(name, false, 0, address, false);
        }

        /** One human line, e.g. {@code kafka     running  pid 4242  127.0.0.1:9092  answering}. */
        public String describe() {
            if (!running) {
                return String.format("%-9s stopped", name);
            }
            return String.format("%-9s running  pid %d  %s  %s", name, pid, address,
                    answering ? "answering" : "NOT answering");
        }

        /** {@code running} (alive and answering), {@code starting} (alive, not answering yet) or {@code stopped}. */
        public String state() {
            return !running ? "stopped" : answering ? "running" : "starting";
        }
    }

    /** One Kafka node: its id in the quorum, its process and its broker port (0 when it never ran). */
    public record Broker(int id, long pid, String host, int port, boolean running, boolean answering) {
        public Part asPart() {
            String address = port > 0 ? host + ":" + port : null;
            return running ? new Part(name(), true, pid, address, answering) : Part.stopped(name(), address);
        }

        public String name() {
            return "kafka-" + id;
        }

        public String state() {
            return asPart().state();
        }
    }

    /**
     * Kafka as one part: running when every node runs, answering when every node answers; the pid of the first
     * node. (A single-node stack reads as before.)
     */
    public Part kafka() {
        boolean running = !brokers.isEmpty() && brokers.stream().allMatch(Broker::running);
        boolean answering = running && brokers.stream().allMatch(Broker::answering);
        String address = brokers.stream().filter(b -> b.port() > 0).map(b -> b.host() + ":" + b.port())
                .reduce((a, b) -> a + "," + b).orElse(null);
        long pid = brokers.isEmpty() ? 0 : brokers.get(0).pid();
        return new Part("kafka", running, pid, address, answering);
    }

    public boolean allRunning() {
        return kafka().running() && registry.running();
    }

    public boolean anyRunning() {
        return brokers.stream().anyMatch(Broker::running) || registry.running();
    }

    /** Every part runs and answers. */
    public boolean healthy() {
        return allRunning() && kafka().answering() && registry.answering();
    }

    /**
     * {@code {"home":..,"brokers":[{"id":1,"pid":..,"host":..,"port":..,"state":..}],"registry":{..}}}, for scripts
     * that must find a process (pid 0 and port 0 when there is none).
     */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"home\":").append(quote(home.toString())).append(",\"brokers\":[");
        for (int i = 0; i < brokers.size(); i++) {
            Broker n = brokers.get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"id\":%d,\"pid\":%d,\"host\":%s,\"port\":%d,\"state\":%s}",
                    n.id(), n.pid(), quote(n.host()), n.port(), quote(n.state())));
        }
        b.append("],\"registry\":").append(String.format(Locale.ROOT, "{\"pid\":%d,\"port\":%d,\"url\":%s,\"state\":%s}",
                registry.pid(), registryPort(), registry.address() == null ? "null" : quote(registry.address()),
                quote(registry.state())));
        return b.append('}').toString();
    }

    private int registryPort() {
        String url = registry.address();
        if (url == null) {
            return 0;
        }
        try {
            return java.net.URI.create(url).getPort();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
