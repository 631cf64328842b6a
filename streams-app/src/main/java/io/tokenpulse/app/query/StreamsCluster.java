package io.tokenpulse.app.query;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The one place that asks Kafka Streams where state lives (STYLE rule 7). {@link KeyQueryMetadata#NOT_AVAILABLE}
 * and a store that is migrating both become a 503 with Retry-After: during a rebalance the honest answer is "ask
 * again", never a 404 from an instance that just lost the key.
 */
public final class StreamsCluster implements Cluster, LocalStores {
    private final KafkaStreams streams;
    private final HostInfo self;
    /** Store -> the source topics of the sub-topology that owns it (a task's partition is its sources' partition). */
    private final Map<String, Set<String>> storeSources;

    public StreamsCluster(KafkaStreams streams, HostInfo self, TopologyDescription topology, String applicationId) {
        this.streams = streams;
        this.self = self;
        this.storeSources = storeSources(topology, applicationId);
    }

    static Map<String, Set<String>> storeSources(TopologyDescription topology, String applicationId) {
        Map<String, Set<String>> out = new HashMap<>();
        for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
            Set<String> stores = new HashSet<>();
            Set<String> sources = new HashSet<>();
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p) {
                    stores.addAll(p.stores());
                }
                if (node instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    for (String t : src.topicSet()) {
                        sources.add(t);
                        sources.add(applicationId + "-" + t); // repartition topics are described without the prefix
                    }
                }
            }
            stores.forEach(st -> out.computeIfAbsent(st, k -> new HashSet<>()).addAll(sources));
        }
        return out;
    }

    @Override
    public Set<Integer> activePartitions(String store, HostInfo host) {
        Set<String> topics = storeSources.getOrDefault(store, Set.of());
        Set<Integer> out = new TreeSet<>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(store)) {
            if (m.hostInfo().equals(host)) {
                for (TopicPartition tp : m.topicPartitions()) {
                    if (topics.contains(tp.topic())) {
                        out.add(tp.partition());
                    }
                }
            }
        }
        return out;
    }

    @Override
    public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public HostInfo self() {
        return self;
    }

    @Override
    public KeyLocation locate(String store, String key, Serializer<String> keySerializer) {
        return location(store, streams.queryMetadataForKey(store, key, keySerializer));
    }

    @Override
    public KeyLocation locate(String store, String key, StreamPartitioner<String, ?> partitioner) {
        @SuppressWarnings("unchecked")
        StreamPartitioner<String, Object> p = (StreamPartitioner<String, Object>) partitioner;
        return location(store, streams.queryMetadataForKey(store, key, p));
    }

    private KeyLocation location(String store, KeyQueryMetadata m) {
        if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m) || m.activeHost() == null
                || HostInfo.unavailable().equals(m.activeHost())) {
            throw ApiException.unavailable("no instance holds " + store + " for this key right now (rebalancing); retry shortly");
        }
        return new KeyLocation(m.partition(), m.activeHost(), Set.copyOf(m.standbyHosts()));
    }

    @Override
    public List<HostInfo> instances(String store) {
        List<HostInfo> hosts = streams.streamsMetadataForStore(store).stream().map(StreamsMetadata::hostInfo)
                .distinct().sorted(java.util.Comparator.comparing(HostInfo::host).thenComparingInt(HostInfo::port)).toList();
        if (hosts.isEmpty()) {
            throw ApiException.unavailable("no instance hosts " + store + " right now (rebalancing); retry shortly");
        }
        return hosts;
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> partition(String store, int partition, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> p = StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition);
        return open(stale ? p.enableStaleStores() : p);
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> open(StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> p) {
        try {
            return streams.store(p);
        } catch (InvalidStateStoreException e) {
            throw ApiException.unavailable("store " + p.storeName() + " is migrating; retry shortly", e);
        }
    }
}
