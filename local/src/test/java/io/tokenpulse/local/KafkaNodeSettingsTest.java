package io.tokenpulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KafkaNodeSettingsTest {

    @Test
    void parsesAllOptionsInBothForms() {
        KafkaNode.Settings s = KafkaNode.Settings.parse(
                "--dir", "/tmp/k", "--port=9092", "--controller-port", "9093", "--host", "localhost");

        assertEquals(new KafkaNode.Settings(Path.of("/tmp/k"), "localhost", 9092, 9093), s);
    }

    @Test
    void defaultsToLoopbackAndFreePorts() {
        KafkaNode.Settings s = KafkaNode.Settings.parse("--dir", "data");

        assertEquals("127.0.0.1", s.host());
        assertEquals(0, s.port());
        assertEquals(0, s.controllerPort());
    }

    @Test
    void toArgsRoundTrips() {
        KafkaNode.Settings s = new KafkaNode.Settings(Path.of("/x"), "127.0.0.1", 1234, 0);

        assertEquals(s, KafkaNode.Settings.parse(s.toArgs().toArray(String[]::new)));
    }

    @Test
    void rejectsMissingDirUnknownOptionsAndBadPorts() {
        assertThrows(IllegalArgumentException.class, () -> KafkaNode.Settings.parse("--port", "1"));
        assertThrows(IllegalArgumentException.class, () -> KafkaNode.Settings.parse("--dir", "d", "--prot", "1"));
        assertThrows(IllegalArgumentException.class, () -> KafkaNode.Settings.parse("--dir", "d", "--port", "x"));
        assertThrows(IllegalArgumentException.class, () -> KafkaNode.Settings.parse("--dir", "d", "--port", "70000"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaNode.Settings.parse("--dir"));
        assertTrue(e.getMessage().contains("--dir"));
    }

    @Test
    void brokerPropertiesFitOneNodeAndExactlyOnce() {
        var p = KafkaNode.brokerProperties(Path.of("/d"), "127.0.0.1", 9092, 9093);

        assertEquals("1", p.getProperty("offsets.topic.replication.factor"));
        assertEquals("1", p.getProperty("transaction.state.log.replication.factor"));
        assertEquals("1", p.getProperty("transaction.state.log.min.isr"));
        assertEquals("0", p.getProperty("group.initial.rebalance.delay.ms"));
        assertEquals("PLAINTEXT://127.0.0.1:9092", p.getProperty("advertised.listeners"));
    }
}
