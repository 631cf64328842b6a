package io.tokenpulse.app.time;

import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends time promises (and anything else {@code everywhere} selects) to every partition of a topic, since every task
 * reading it waits for them; everything else goes where the key says. {@code asProducers}: hash the serialized key
 * exactly as a Kafka producer's default partitioner does, for a topic that must stay co-partitioned with topics
 * written by other producers (the links topic with lifecycle and usage); otherwise the key's UTF-8 bytes.
 */
public final class Broadcast<V> implements StreamPartitioner<String, V> {
    private final Serializer<String> keys;
    private final boolean asProducers;
    private final Predicate<V> everywhere;

    public Broadcast(Serializer<String> keys, boolean asProducers, Predicate<V> everywhere) {
        this.keys = keys;
        this.asProducers = asProducers;
        this.everywhere = everywhere;
    }

    // Kafka 4.4 deprecates this signature for removal but keeps it abstract (the headers overload only delegates
    // to it), so every partitioner must still define it. Move to the headers overload when Kafka drops this one.
    @SuppressWarnings("removal")
    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
        if (value != null && everywhere.test(value)) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        byte[] bytes = asProducers ? keys.serialize(topic, key)
                : (key == null ? "" : key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % numPartitions));
    }
}
