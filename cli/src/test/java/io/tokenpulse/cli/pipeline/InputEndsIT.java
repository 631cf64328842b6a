package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.time.EndCheckingConsumer;
import io.tokenpulse.app.time.InputEnds;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * On a real broker: a partition counts as read to its end only once its consumer has caught up, a backlog still
 * unread keeps it behind however long the task has heard nothing, and a stalled consumer starts a new run.
 */
class InputEndsIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();

    @Test
    void aPartitionIsReadToItsEndOnlyOnceItsBacklogIsConsumed() throws Exception {
        String topic = RealKafkaAndRegistry.unique("input-ends");
        STACK.createTopics(1, topic);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(STACK.clientProperties(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
        InputEnds ends = new InputEnds();
        Map<String, Object> config = new HashMap<>();
        STACK.clientProperties().forEach((k, v) -> config.put(k.toString(), v));
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (EndCheckingConsumer consumer = new EndCheckingConsumer(config, ends)) {
            assertFalse(ends.readToEndFor(tp, System.currentTimeMillis(), 0), "a fed InputEnds trusts only what a consumer saw");
            consumer.assign(List.of(tp));
            int read = 0;
            while (read == 0) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertTrue(read < 50);
            assertFalse(ends.readToEndFor(tp, System.currentTimeMillis(), 0),
                    "records fetched and still unread: behind, though nothing new arrives");
            long deadline = System.currentTimeMillis() + 30_000;
            while (read < 50 && System.currentTimeMillis() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(50, read);
            consumer.poll(Duration.ofMillis(100));
            long caughtUp = System.currentTimeMillis();
            assertTrue(ends.readToEndFor(tp, caughtUp, 0), "every record read: at its end");
            assertFalse(ends.readToEndFor(tp, caughtUp, 60_000), "but not yet for a minute");

            Thread.sleep(2_500); // a stall: no poll for longer than a healthy stream thread ever waits
            consumer.poll(Duration.ofMillis(100));
            long afterStall = System.currentTimeMillis();
            assertFalse(ends.readToEndFor(tp, afterStall, afterStall - caughtUp),
                    "after a stall the run starts again: what was known before it does not count");
            assertTrue(ends.readToEndFor(tp, afterStall, 0));
        }
        assertFalse(ends.readToEndFor(tp, System.currentTimeMillis(), 0), "a closed consumer vouches for nothing");
    }
}
