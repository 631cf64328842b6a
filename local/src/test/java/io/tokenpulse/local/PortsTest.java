package io.tokenpulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.schemas.TopicSetup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
    private static final String HOST = "127.0.0.1";

    @Test
    void freePortIsBindable() {
        int port = Ports.freePort(HOST);

        assertTrue(port > 0);
        assertTrue(Ports.isFree(HOST, port));
    }

    @Test
    void explicitPortWins() {
        assertEquals(4321, Ports.pick(HOST, 4321, 5555, Set.of()));
    }

    @Test
    void previousPortIsReusedWhileFree() throws Exception {
        int previous = Ports.freePort(HOST);

        assertEquals(previous, Ports.pick(HOST, 0, previous, Set.of()));
    }

    @Test
    void busyOrTakenPreviousPortIsReplaced() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            int port = busy.getLocalPort();
            assertFalse(Ports.isFree(HOST, port));
            assertTrue(Ports.isListening(HOST, port));
            assertNotEquals(port, Ports.pick(HOST, 0, port, Set.of()));
        }
        int free = Ports.freePort(HOST);
        assertNotEquals(free, Ports.pick(HOST, 0, free, Set.of(free)));
    }

    @Test
    void stackOptionsDefaults() {
        StackOptions o = StackOptions.defaults();

        assertEquals("127.0.0.1", o.host());
        assertEquals(6, o.partitions());
        assertEquals(TopicSetup.defaultNames(), o.topicNames());
        assertEquals(StackOptions.DEFAULT_TIMEOUT, o.timeout());
    }
}
