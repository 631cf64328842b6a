package io.tokenpulse.app.metrics;

import io.tokenpulse.app.config.Detection;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.ReportCursor;
import io.tokenpulse.avro.state.ReportWindow;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The metrics of the contract (docs/CONTRACT.md): incident timelines straight from the token processor to {@code token-incidents}, and
 * posture reports from the facts it sends, regrouped by tenant, to {@code token-reports}. See docs/METRICS.md.
 */
public final class ReportTopology {
    public static final String REPORT_PROCESSOR = "report-processor";
    /** Where each tenant's (and tenant+owner's) reports stand: running gauges, next windows to close. */
    public static final String CURSOR_STORE = "report-cursors";
    /** The flows of open report windows. */
    public static final String WINDOW_STORE = "report-windows";
    /**
     * The latest report of each tenant (and tenant+owner) and granularity, for the query API: a few records per
     * tenant, so "the latest reports" is one prefix scan instead of reading token-reports back from the start.
     * Keyed like {@link #CURSOR_STORE} ({@code tenant NUL [SOH owner]}) plus the granularity.
     */
    public static final String LATEST_STORE = "report-latest";
    /** The latest watermark of each token task: the report processor's event time is the smallest. */
    public static final String CLOCK_STORE = "report-clock";
    /** Repartition topic of the facts, by tenant (prefixed with the application id by Kafka Streams). */
    public static final String FACTS_REPARTITION = "report-facts";

    private ReportTopology() {
    }

    public static void addTo(StreamsBuilder builder, KStream<String, MetricFact> facts,
                             KStream<String, IncidentTimeline> incidents, Topics topics, Detection detection,
                             io.tokenpulse.app.time.TimeSources sources) {
        incidents.to(topics.incidents().name(), topics.incidents().produced("incidents-sink"));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CURSOR_STORE),
                Serdes.String(), topics.storeSerde(ReportCursor.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOW_STORE),
                Serdes.String(), topics.storeSerde(ReportWindow.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LATEST_STORE),
                Serdes.String(), topics.storeSerde(PostureReport.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK_STORE),
                Serdes.String(), Serdes.Long()));
        facts.repartition(Repartitioned.<String, MetricFact>as(FACTS_REPARTITION)
                        .withKeySerde(topics.keySerde()).withValueSerde(topics.storeSerde(MetricFact.class))
                        .withStreamPartitioner(new FactPartitioner()))
                .process(() -> new ReportProcessor(detection.reportGrace(), sources), Named.as(REPORT_PROCESSOR), CURSOR_STORE, WINDOW_STORE, CLOCK_STORE,
                        LATEST_STORE)
                .to(topics.reports().name(), topics.reports().produced("reports-sink"));
    }

    /**
     * A tenant's facts go to one partition; a watermark goes to every partition, since every tenant waits on it.
     * Public for the query layer, which must route a tenant's posture lookup exactly as its facts were routed.
     */
    public static final class FactPartitioner implements StreamPartitioner<String, MetricFact> {
        // Kafka 4.4 deprecates this signature for removal but keeps it abstract (the headers overload only delegates
        // to it), so every partitioner must still define it. Move to the headers overload when Kafka drops this one.
        @SuppressWarnings("removal")
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, MetricFact value, int numPartitions) {
            if (value != null && value.getKind() == FactKind.WATERMARK) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
            }
            byte[] bytes = (key == null ? "" : key).getBytes(StandardCharsets.UTF_8);
            return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % numPartitions));
        }
    }
}
