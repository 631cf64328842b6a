package io.tokenpulse.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;

/** Port helpers for the local stack. */
public final class Ports {
    private Ports() {
    }

    /**
     * A port that is free on {@code host} right now. The OS may hand it out again before it is bound,
     * but ephemeral ports cycle slowly enough for a single developer machine.
     */
    public static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    /** {@code port} itself, or a free one when it is 0. */
    public static int orFree(String host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port == 0 ? freePort(host) : port;
    }

    /**
     * The requested port; else the port of the previous run when still free (clients keep working
     * across down/up); else any free port. Never one of {@code taken}, which other parts of the stack use.
     */
    static int pick(String host, int requested, int previous, Set<Integer> taken) {
        if (requested != 0) {
            return requested;
        }
        if (previous > 0 && !taken.contains(previous) && isFree(host, previous)) {
            return previous;
        }
        int port;
        do {
            port = freePort(host);
        } while (taken.contains(port));
        return port;
    }

    /** Whether nothing listens on {@code host:port}, so a node can bind it. */
    public static boolean isFree(String host, int port) {
        if (port <= 0) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts connections on {@code host:port}. */
    public static boolean isListening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
