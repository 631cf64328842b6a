package io.tokenpulse.local;

import java.nio.file.Path;

/** What {@link LocalStack#status()} found: one entry per part of the stack. */
public record StackStatus(Path home, Part kafka, Part registry) {

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
    }

    public boolean allRunning() {
        return kafka.running() && registry.running();
    }

    public boolean anyRunning() {
        return kafka.running() || registry.running();
    }
}
