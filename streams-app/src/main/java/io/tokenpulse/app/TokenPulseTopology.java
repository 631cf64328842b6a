package io.tokenpulse.app;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.ingest.DeadLetterCounter;
import io.tokenpulse.app.ingest.DeadLetters;
import io.tokenpulse.app.ingest.EventTimeExtractor;
import io.tokenpulse.app.ingest.IngestTopology;
import io.tokenpulse.app.ingest.Validation;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.app.time.InputEnds;
import io.tokenpulse.app.time.LateRecords;
import io.tokenpulse.app.time.TimeSources;
import java.time.Clock;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

/**
 * The whole pipeline as one {@link Topology} with the streams settings it must run with. Pure: nothing here
 * starts a client or reads the environment, so {@code TopologyTestDriver} runs exactly what production runs
 * (hand it {@link #properties()}).
 *
 * <p>The topology and the settings travel together because Kafka Streams takes the exception handlers (and so
 * the dead-letter counter they report to) from the settings the topology was built with.
 */
public record TokenPulseTopology(Topology topology, Properties properties, DeadLetterCounter deadLetters,
                                 TimeSources sources, LateRecords late, InputEnds ends) {

    public TokenPulseTopology {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(late, "late");
        Objects.requireNonNull(ends, "ends");
        properties = copy(properties);
    }

    /** A copy: the settings of a built topology do not change under it. */
    @Override
    public Properties properties() {
        return copy(properties);
    }

    public static TokenPulseTopology build(AppConfig config, Topics topics) {
        return build(config, topics, Clock.systemUTC());
    }

    /** {@code clock} is the wall clock that bounds how far in the future an event may claim to be. */
    public static TokenPulseTopology build(AppConfig config, Topics topics, Clock clock) {
        DeadLetterCounter deadLetters = new DeadLetterCounter();
        TimeSources sources = new TimeSources(config.detection().versionPartitions());
        LateRecords late = new LateRecords();
        InputEnds ends = new InputEnds();
        Properties props = streamsProperties(config, topics, deadLetters);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));

        IngestTopology.Inputs inputs = IngestTopology.addTo(builder, topics,
                new EventTimeExtractor(clock, config.maxFutureSkew()), new Validation(clock, config.maxFutureSkew()));
        DetectionTopology.addTo(builder, inputs, topics,
                new DetectionTopology.Settings(config.detection(), sources, clock, late, ends));

        return new TokenPulseTopology(builder.build(props), props, deadLetters, sources, late, ends);
    }

    /** How long the producer may try to deliver a batch before the transaction holding it is aborted. */
    static final int DELIVERY_TIMEOUT_MS = 120_000;

    /**
     * Client settings ({@code kafka.*}) first, then ours, then {@code streams.*}, which have the last word: an
     * operator can tune anything without a release.
     */
    @SuppressWarnings("deprecation") // the global-handler switch: deprecated only because 5.0 turns it on for good
    static Properties streamsProperties(AppConfig config, Topics topics, DeadLetterCounter deadLetters) {
        Properties p = new Properties();
        p.putAll(config.kafka());
        // Under exactly-once, Kafka Streams lets its producer retry a batch for ever (delivery.timeout.ms is
        // Integer.MAX_VALUE). A broker that keeps refusing a batch then stalls the stream thread for good: its
        // transaction can never commit. The fault harness saw one, refused with OUT_OF_ORDER_SEQUENCE_NUMBER on two
        // partitions after a broker kill, for fifteen minutes. With the producer's own default of two minutes the send
        // fails instead; Streams aborts the transaction and takes the tasks up again from their last commit (nothing
        // lost, nothing twice).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), Integer.toString(DELIVERY_TIMEOUT_MS));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.numThreads()));
        // The record cache holds the busy tokens' state and the reorder buffer between commits (10 MB by default).
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(64L * 1024 * 1024));
        // The order in which a task takes records from its partitions does not matter here: the reorder buffer judges
        // them in event-time order whatever order they come in (docs/TIME.md). Kafka Streams' default (0) would make a
        // task wait whenever one of its partitions has records on the broker but none fetched yet, and check and log
        // (a formatted message, built whether or not trace is on) which partitions it holds, once per record.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        // Internal topic and store names are part of the deployed contract: a generated name that shifts when the
        // topology changes would orphan a changelog, so the app refuses to start with one.
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        p.putAll(DeadLetters.streamsConfig(topics.dlq().name(), deadLetters));
        // Global stores (the policies, and any the detectors add) go through the same processing-exception handler as
        // the rest, so a bad record does not stop the app there either (the default from 5.0).
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        p.putAll(config.streams());
        return p;
    }

    private static Properties copy(Properties source) {
        Properties p = new Properties();
        p.putAll(Objects.requireNonNull(source, "properties"));
        return p;
    }
}
