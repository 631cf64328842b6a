package io.tokenpulse.bench.faults;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards TCP ports from one address to the same ports on another, byte for byte. The network partition of the fault
 * harness needs two: one inside the partitioned instance's network namespace (its {@code 127.0.0.1:port}, the
 * addresses the brokers advertise, to the host end of the veth pair) and one on the host (the veth address to the
 * brokers and the registry, which listen on the host's loopback only). The bridge itself never drops anything; the
 * partition is the veth link going down between the two.
 */
public final class LoopbackBridge implements Closeable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Listens on {@code listen:port} for every port and forwards each connection to {@code target:port}. */
    public LoopbackBridge(String listen, String target, List<Integer> ports) throws IOException {
        InetAddress listenAddress = InetAddress.getByName(listen);
        try {
            for (int port : ports) {
                ServerSocket server = new ServerSocket();
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(listenAddress, port), 64);
                servers.add(server);
                Thread t = new Thread(() -> acceptLoop(server, new InetSocketAddress(target, port)), "bridge-" + port);
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            close();
            throw new IOException("cannot listen on " + listen + " for ports " + ports + ": " + e.getMessage(), e);
        }
    }

    private void acceptLoop(ServerSocket server, InetSocketAddress target) {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread t = new Thread(() -> connect(in, target), "bridge-conn-" + target.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket in, InetSocketAddress target) {
        Socket out = new Socket();
        try {
            out.connect(target, CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            // The far side is unreachable (the link is down) or not listening: the client sees its connection closed.
            closeQuietly(in);
            closeQuietly(out);
            return;
        }
        open.add(in);
        open.add(out);
        Thread back = new Thread(() -> pump(out, in), "bridge-back-" + target.getPort());
        back.setDaemon(true);
        back.start();
        pump(in, out);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream is = from.getInputStream()) {
            OutputStream os = to.getOutputStream();
            int n;
            while ((n = is.read(buffer)) >= 0) {
                os.write(buffer, 0, n);
                os.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    @Override
    public void close() {
        closed = true;
        servers.forEach(LoopbackBridge::closeQuietly);
        open.forEach(LoopbackBridge::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing more to do
        }
    }

    /** {@code LoopbackBridge LISTEN_ADDRESS TARGET_ADDRESS PORT...}: runs until killed. */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LoopbackBridge LISTEN_ADDRESS TARGET_ADDRESS PORT...");
            System.exit(2);
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            ports.add(Integer.parseInt(args[i]));
        }
        LoopbackBridge bridge = new LoopbackBridge(args[0], args[1], ports);
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close));
        System.out.println("bridging " + args[0] + " -> " + args[1] + " ports " + ports);
        System.out.flush();
        Thread.currentThread().join();
    }
}
