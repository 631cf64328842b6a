package io.tokenpulse.app.config;

import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroSerdes;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The immutable catalogue of contract topics, built once from config and a registry client and passed to every
 * topology. Keys are strings in the registry wire format; values are the contract's Avro records; the
 * dead-letter topic carries the original bytes untouched.
 */
public record Topics(
        Topic<String, TokenLifecycleEvent> lifecycle,
        Topic<String, TokenUsageEvent> usage,
        Topic<String, ServiceDeploymentEvent> deployments,
        Topic<String, TokenPolicy> policies,
        Topic<String, TokenAlert> alerts,
        Topic<String, RemediationAction> actions,
        Topic<String, IncidentTimeline> incidents,
        Topic<String, PostureReport> reports,
        Topic<byte[], byte[]> dlq,
        Topic<String, TokenLink> links,
        SchemaRegistryClient registry) {

    public Topics {
        Objects.requireNonNull(registry, "registry");
    }

    public static Topics create(AppConfig config, SchemaRegistryClient registry) {
        return new Topics(
                avro(config, TopicDef.LIFECYCLE, TokenLifecycleEvent.class, registry),
                avro(config, TopicDef.USAGE, TokenUsageEvent.class, registry),
                avro(config, TopicDef.DEPLOYMENTS, ServiceDeploymentEvent.class, registry),
                avro(config, TopicDef.POLICIES, TokenPolicy.class, registry),
                avro(config, TopicDef.ALERTS, TokenAlert.class, registry),
                avro(config, TopicDef.ACTIONS, RemediationAction.class, registry),
                avro(config, TopicDef.INCIDENTS, IncidentTimeline.class, registry),
                avro(config, TopicDef.REPORTS, PostureReport.class, registry),
                new Topic<>(config.topicName(TopicDef.DLQ), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(config.linksTopic(), AvroSerdes.key(registry), AvroSerdes.value(TokenLink.class, registry)),
                registry);
    }

    /** The serde for a store's Avro values; its schema registers under the changelog topic's subject. */
    public <V extends SpecificRecord> Serde<V> storeSerde(Class<V> type) {
        return AvroSerdes.value(type, registry);
    }

    /** The serde for string keys of stores, the same encoding as the topics' keys. */
    public Serde<String> keySerde() {
        return AvroSerdes.key(registry);
    }

    private static <V extends SpecificRecord> Topic<String, V> avro(
            AppConfig config, TopicDef def, Class<V> type, SchemaRegistryClient registry) {
        return new Topic<>(config.topicName(def), AvroSerdes.key(registry), AvroSerdes.value(type, registry));
    }

    @Override
    public String toString() {
        return "Topics[lifecycle=" + lifecycle.name() + ", usage=" + usage.name() + ", deployments=" + deployments.name()
                + ", policies=" + policies.name() + ", alerts=" + alerts.name() + ", actions=" + actions.name()
                + ", incidents=" + incidents.name() + ", reports=" + reports.name() + ", dlq=" + dlq.name() + ", links=" + links.name()
                + ", registry=" + registry.describe() + "]";
    }
}
