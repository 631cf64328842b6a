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

    @Test
    void aNodeOfAClusterCarriesItsIdVotersAndClusterIdThroughItsArguments() {
        KafkaNode.Settings s = new KafkaNode.Settings(Path.of("/k2"), "127.0.0.1", 9094, 9095, 2,
                "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097", "abc");

        assertEquals(s, KafkaNode.Settings.parse(s.toArgs().toArray(String[]::new)));
        assertEquals(3, s.clusterSize());
        assertThrows(IllegalArgumentException.class, () -> new KafkaNode.Settings(Path.of("/k"), null, 0, 0, 2,
                "1@127.0.0.1:9093,2@127.0.0.1:9095", "abc"));
    }

    @Test
    void brokerPropertiesOfThreeNodesReplicateThreeTimesAndNeedTwoInSync() {
        var p = KafkaNode.brokerProperties(Path.of("/d"), "127.0.0.1", 9094, 9095, 2,
                "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097");

        assertEquals("2", p.getProperty("node.id"));
        assertEquals("1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097", p.getProperty("controller.quorum.voters"));
        for (String key : new String[] {"offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "default.replication.factor", "share.coordinator.state.topic.replication.factor"}) {
            assertEquals("3", p.getProperty(key), key);
        }
        assertEquals("2", p.getProperty("min.insync.replicas"));
        assertEquals("2", p.getProperty("transaction.state.log.min.isr"));
        assertEquals("false", p.getProperty("unclean.leader.election.enable"));
    }
}
