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
        try (KafkaProducer<String, String> producer = producer()) {
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
            assertFalse(ends.quietFor(tp, 0, 0), "a fed InputEnds trusts only what a consumer saw");
            consumer.assign(List.of(tp));
            int read = 0;
            while (read == 0) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertTrue(read < 50);
            assertFalse(ends.quietFor(tp, 0, 0), "records fetched and still unread: behind, though nothing new arrives");
            long deadline = System.currentTimeMillis() + 30_000;
            while (read < 50 && System.currentTimeMillis() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(50, read);
            long lastArrival = System.currentTimeMillis();
            pollFor(consumer, 1_200);
            assertTrue(ends.quietFor(tp, lastArrival, 1_000), "every record read, and checked for a second since");
            assertFalse(ends.quietFor(tp, lastArrival, 60_000), "but not yet for a minute");

            try (KafkaProducer<String, String> producer = producer()) {
                long stalled = System.currentTimeMillis();
                Thread.sleep(1_500); // a stall (no poll) while a writer appends 50 records
                for (int i = 0; i < 50; i++) {
                    producer.send(new ProducerRecord<>(topic, "s" + i, "written during the stall"));
                }
                producer.flush();
                int unread = 50;
                unread -= consumer.poll(Duration.ofMillis(1)).count();
                assertFalse(ends.quietFor(tp, lastArrival, stalled - lastArrival + 1),
                        "the first poll after a stall dates nothing after the stall");
                for (int polls = 0; polls < 6 && unread > 0; polls++) { // at most 35 of the 50 records in all
                    unread -= consumer.poll(Duration.ofMillis(200)).count();
                }
                assertTrue(unread > 0);
                assertFalse(ends.quietFor(tp, 0, 0), "records written during the stall and still unread: behind");
                deadline = System.currentTimeMillis() + 30_000;
                while (unread > 0 && System.currentTimeMillis() < deadline) {
                    unread -= consumer.poll(Duration.ofMillis(100)).count();
                }
            }
            long drained = System.currentTimeMillis();
            pollFor(consumer, 2_500); // past the recheck that any gap (closing the producer) starts
            assertTrue(ends.quietFor(tp, drained, 1_000), "read to its end again");
            assertFalse(ends.quietFor(tp, 0, System.currentTimeMillis() - drained + 500),
                    "in a run that began when the backlog was read, not before the stall");
        }
        assertFalse(ends.quietFor(tp, 0, 0), "a closed consumer vouches for nothing");
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(STACK.clientProperties(), new StringSerializer(), new StringSerializer());
    }

    private static void pollFor(EndCheckingConsumer consumer, long millis) {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            consumer.poll(Duration.ofMillis(100));
        }
    }
}
