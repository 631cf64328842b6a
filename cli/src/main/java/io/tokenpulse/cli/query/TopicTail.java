package io.tokenpulse.cli.query;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.Errors;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Follows one topic without a consumer group (nothing to clean up, no offsets committed), reading only
 * committed records: the pipeline's outputs are transactional.
 */
public final class TopicTail<V> implements AutoCloseable {
    private final KafkaConsumer<String, V> consumer;
    private final String topic;

    public TopicTail(AppConfig config, String topic, Deserializer<String> keys, Deserializer<V> values, boolean fromBeginning) {
        Map<String, Object> props = new java.util.HashMap<>(config.kafkaClientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(props, keys, values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist at " + config.bootstrapServers());
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
    }

    /** Hands every record to {@code sink} until {@code stop}, or {@code idle} passes without one; returns the count. */
    public long follow(Duration idle, AtomicBoolean stop, Consumer<V> sink) {
        long count = 0;
        long lastRecord = System.nanoTime();
        while (!stop.get()) {
            try {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, V> r : records) {
                    sink.accept(r.value());
                    count++;
                }
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                }
            } catch (RecordDeserializationException e) {
                System.err.println("tokenpulse: skipping unreadable record " + topic + "-" + e.topicPartition().partition()
                        + "@" + e.offset() + ": " + Errors.describe(e));
                consumer.seek(e.topicPartition(), e.offset() + 1);
            }
            if (idle != null && System.nanoTime() - lastRecord >= idle.toNanos()) {
                break;
            }
        }
        return count;
    }

    /**
     * Hands every committed record up to the end of the topic as it is now to {@code sink} (the transactional end:
     * the consumer reads committed only), then returns the count. For snapshots of compact outputs (reports,
     * incidents); {@code timeout} bounds a topic that cannot be read.
     */
    long readToEnd(Duration timeout, Consumer<V> sink) {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
            try {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        sink.accept(r.value());
                        count++;
                    }
                }
            } catch (RecordDeserializationException e) {
                System.err.println("tokenpulse: skipping unreadable record " + topic + "-" + e.topicPartition().partition()
                        + "@" + e.offset() + ": " + Errors.describe(e));
                consumer.seek(e.topicPartition(), e.offset() + 1);
            }
        }
        return count;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
