package io.tokenpulse.bench;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The floor TokenPulse is measured against (issue 11): the least a Kafka Streams job with a per-key store can do.
 * exactly_once_v2, one thread, {@code groupByKey().count()} into a persistent store with the record cache off (so one
 * store read and one write, and one changelog record, per input record), each count to a topic, bytes never
 * deserialised.
 */
final class ReferenceJob {
    static final String STORE = "reference-counts";

    private ReferenceJob() {
    }

    static KafkaStreams create(Properties client, String applicationId, String input, String output, Path stateDir) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(input, Consumed.with(Serdes.Bytes(), Serdes.Bytes()).withName("reference-source"))
                .groupByKey(Grouped.<Bytes, Bytes>as("reference-by-key").withKeySerde(Serdes.Bytes()).withValueSerde(Serdes.Bytes()))
                .count(Named.as("reference-count"), Materialized.<Bytes, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
                        .withKeySerde(Serdes.Bytes()).withValueSerde(Serdes.Long()).withCachingDisabled())
                .toStream(Named.as("reference-counts-stream"))
                .to(output, Produced.with(Serdes.Bytes(), Serdes.Long()).withName("reference-sink"));
        Properties p = new Properties();
        p.putAll(client);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new KafkaStreams(b.build(p), p);
    }
}
