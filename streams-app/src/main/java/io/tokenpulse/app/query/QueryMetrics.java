package io.tokenpulse.app.query;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenpulse.app.ingest.DeadLetterCounter;
import io.tokenpulse.app.ingest.DeadLetters;
import io.tokenpulse.app.time.LateRecords;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The instance's metrics in Prometheus text: Kafka Streams' own, dead letters by stage, late and duplicate records,
 * and the API's answers.
 */
public final class QueryMetrics implements QueryRoutes.RequestMetrics, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreamsMetrics streamsMetrics;

    public QueryMetrics(KafkaStreams streams, DeadLetterCounter deadLetters, LateRecords late) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        FunctionCounter.builder("tokenpulse.late.records", late, LateRecords::lateCount)
                .description("Records judged after the watermark had passed their event time (docs/TIME.md) since start")
                .register(registry);
        FunctionCounter.builder("tokenpulse.duplicate.records", late, LateRecords::duplicateCount)
                .description("Records whose eventId was already seen within dedup.window, since start: they changed nothing")
                .register(registry);
        for (DeadLetters.Stage stage : DeadLetters.Stage.values()) {
            FunctionCounter.builder("tokenpulse.dead.letters", deadLetters, c -> c.count(stage))
                    .description("Records sent to the dead-letter topic since start")
                    .tag("stage", stage.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    @Override
    public void record(String route, int status, long nanos) {
        Timer.builder("tokenpulse.query.requests").tag("route", route).tag("status", Integer.toString(status))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        streamsMetrics.close();
        registry.close();
    }
}
