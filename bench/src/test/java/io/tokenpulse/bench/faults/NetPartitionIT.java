package io.tokenpulse.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition of the fault harness's long mode, on its own: a client inside the namespace reaches a server on the
 * host's 127.0.0.1 through the bridges, not while the link is cut, and again once it is healed. Needs root (a network
 * namespace); elsewhere it is skipped and says why. The echo client is bash's /dev/tcp, run inside the namespace.
 */
class NetPartitionIT {
    @TempDir
    Path work;

    @Test
    void aCutLinkStopsTrafficAndAHealedOneCarriesItAgain() throws Exception {
        String why = NetPartition.unavailable();
        Assumptions.assumeTrue(why == null, () -> "skipped: no network namespace can be made here: " + why);
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serve(echo), "echo");
            server.setDaemon(true);
            server.start();
            int port = echo.getLocalPort();
            try (NetPartition net = NetPartition.create(9, List.of(port), work.resolve("bridge.log"))) {
                assertEquals("ping", exchange(net, port), "through the bridges before the cut");
                net.cut();
                assertNotEquals("ping", exchange(net, port), "nothing may get through while the link is down");
                net.heal();
                assertEquals("ping", exchange(net, port), "through again after the heal");
            }
        }
    }

    /** Sends "ping" from inside the namespace to its 127.0.0.1:port and returns what came back within 5 s. */
    private static String exchange(NetPartition net, int port) throws Exception {
        String script = "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'ping\\n' >&3 && head -n 1 <&3";
        Process p = new ProcessBuilder(net.wrap(List.of("timeout", "5", "bash", "-c", script))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return p.exitValue() == 0 ? out : "(exit " + p.exitValue() + ") " + out;
    }

    private static void serve(ServerSocket echo) {
        while (!echo.isClosed()) {
            try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                return;
            }
        }
    }
}
