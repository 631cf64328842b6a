package io.tokenpulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StackStatusTest {

    @Test
    void jsonNamesEveryBrokerWithItsPidPortAndState() {
        StackStatus s = new StackStatus(Path.of("/h"), List.of(
                new StackStatus.Broker(1, 11, "127.0.0.1", 9092, true, true),
                new StackStatus.Broker(2, 0, "127.0.0.1", 9094, false, false),
                new StackStatus.Broker(3, 33, "127.0.0.1", 9096, true, false)),
                new StackStatus.Part("registry", true, 44, "http://127.0.0.1:8081", true));

        assertEquals("{\"home\":\"/h\",\"brokers\":["
                + "{\"id\":1,\"pid\":11,\"host\":\"127.0.0.1\",\"port\":9092,\"state\":\"running\"},"
                + "{\"id\":2,\"pid\":0,\"host\":\"127.0.0.1\",\"port\":9094,\"state\":\"stopped\"},"
                + "{\"id\":3,\"pid\":33,\"host\":\"127.0.0.1\",\"port\":9096,\"state\":\"starting\"}],"
                + "\"registry\":{\"pid\":44,\"port\":8081,\"url\":\"http://127.0.0.1:8081\",\"state\":\"running\"}}", s.toJson());
        assertFalse(s.healthy());
        assertFalse(s.kafka().running());
        assertEquals("127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096", s.kafka().address());
    }

    @Test
    void oneBrokerReadsAsTheSingleKafkaPartOfBefore() {
        StackStatus s = new StackStatus(Path.of("/h"), List.of(new StackStatus.Broker(1, 11, "127.0.0.1", 9092, true, true)),
                new StackStatus.Part("registry", true, 44, "http://127.0.0.1:8081", true));

        assertEquals(new StackStatus.Part("kafka", true, 11, "127.0.0.1:9092", true), s.kafka());
        assertTrue(s.healthy());
    }

    @Test
    void nodeOneKeepsTheSingleNodeKeysAndTheOthersAreNumbered() {
        assertEquals("stack.kafka.port", StackState.kafkaKey(1, StackState.KAFKA_PORT));
        assertEquals("stack.kafka.3.pid.started", StackState.kafkaKey(3, StackState.KAFKA_STARTED));
        assertEquals("stack.kafka.2.controller.port", StackState.kafkaKey(2, StackState.CONTROLLER_PORT));
    }
}
