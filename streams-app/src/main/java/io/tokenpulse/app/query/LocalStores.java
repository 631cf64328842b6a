package io.tokenpulse.app.query;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * This instance's stores, by the names the topologies export. An implementation over {@code KafkaStreams} for the
 * app, one over {@code TopologyTestDriver} stores for unit tests. A store that is moving (rebalance, restore) throws
 * a 503 {@link ApiException}, never an empty answer.
 */
public interface LocalStores {
    /**
     * One partition; with {@code stale}, a standby replica's copy too. Scans go partition by partition (never
     * through the all-partitions view), so a partition still restoring fails loudly instead of being left out.
     */
    <K, V> ReadOnlyKeyValueStore<K, V> partition(String store, int partition, boolean stale);
}
