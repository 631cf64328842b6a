package io.tokenpulse.app.ingest;

import io.tokenpulse.app.config.Topic;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Reads each input topic once, with event time from {@code occurredAt}, and keeps only valid records; the
 * rest go to the dead-letter topic. Every other topology starts from the streams returned here: a topic can
 * be a source only once per topology.
 */
public final class IngestTopology {
    private IngestTopology() {
    }

    /** The validated input streams, keyed as the contract says (tokenId, service, tenant). */
    public record Inputs(
            KStream<String, TokenLifecycleEvent> lifecycle,
            KStream<String, TokenUsageEvent> usage,
            KStream<String, ServiceDeploymentEvent> deployments,
            KStream<String, TokenPolicy> policies) {
    }

    public static Inputs addTo(StreamsBuilder builder, Topics topics, TimestampExtractor eventTime, Validation validation) {
        return new Inputs(
                validated(builder, topics.lifecycle(), "lifecycle", eventTime, validation.lifecycle()),
                validated(builder, topics.usage(), "usage", eventTime, validation.usage()),
                validated(builder, topics.deployments(), "deployments", eventTime, validation.deployments()),
                validated(builder, topics.policies(), "policies", eventTime, validation.policies()));
    }

    /** Node names: {@code <input>-source}, {@code <input>-validate}. */
    private static <V> KStream<String, V> validated(StreamsBuilder builder, Topic<String, V> topic, String input,
                                                    TimestampExtractor eventTime, Validation.Rule<V> rule) {
        return builder.stream(topic.name(), topic.consumed(input + "-source").withTimestampExtractor(eventTime))
                .processValues(() -> new Validate<>(rule), Named.as(input + "-validate"));
    }
}
