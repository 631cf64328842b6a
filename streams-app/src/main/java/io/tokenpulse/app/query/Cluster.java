package io.tokenpulse.app.query;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

/** Where keys and stores live among the instances of the application (Kafka Streams' metadata, or a fake). */
public interface Cluster {
    /** Whether this instance's Kafka Streams client is RUNNING: anything else may give a wrong answer. */
    boolean running();

    /** This instance's {@code application.server}. */
    HostInfo self();

    /** The partition of {@code key} in {@code store} and its hosts; 503 when Kafka Streams does not know (yet). */
    KeyLocation locate(String store, String key, Serializer<String> keySerializer);

    /** The same for a store whose input was partitioned by a custom partitioner. */
    KeyLocation locate(String store, String key, StreamPartitioner<String, ?> partitioner);

    /** Every instance that hosts {@code store} (this one included); 503 when none does. */
    List<HostInfo> instances(String store);

    /**
     * The partitions of {@code store} that {@code host} is active for, as this instance's metadata says. A list query
     * scans exactly these, and its merge checks that every instance did: a partition moving between instances
     * (still restoring on its new owner) must make the answer a 503, not a page with holes.
     */
    Set<Integer> activePartitions(String store, HostInfo host);

    /** Where one key lives. */
    record KeyLocation(int partition, HostInfo active, Set<HostInfo> standbys) {
    }

    default void requireRunning() {
        if (!running()) {
            throw ApiException.unavailable("the instance is not RUNNING (starting or rebalancing); retry shortly");
        }
    }
}
