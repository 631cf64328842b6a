package io.tokenpulse.app.detect;

import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.ingest.IngestTopology;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.TokenBinding;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.app.metrics.ReportTopology;
import io.tokenpulse.app.metrics.WatermarkSources;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Every alert of SPEC.md: the token processor (lifecycle, usage, links, deadlines) and the version
 * processor (versioned access), wired through the links topic. See docs/DETECTION.md.
 */
public final class DetectionTopology {
    public static final String TOKEN_PROCESSOR = "token-processor";
    public static final String VERSION_PROCESSOR = "version-processor";
    /** Per-token lifecycle and activity, by tokenId. */
    public static final String TOKEN_STORE = "token-state";
    /** Deadlines by due time (see {@link DueIndex}). */
    public static final String DUE_STORE = "token-due";
    /** tenant + NUL + tokenId of every token of this task, to find a tenant's tokens when its policy changes. */
    public static final String TENANT_INDEX_STORE = "tenant-tokens";
    /** Versions and the active tokens bound to them, by tenant/service@version. */
    public static final String VERSION_STORE = "version-bindings";
    /** Tenant policies, global: every token task reads its tenant's. */
    public static final String POLICY_STORE = "policies";
    /** Repartition topics (prefixed with the application id by Kafka Streams). */
    public static final String BINDINGS_REPARTITION = "token-bindings";
    public static final String DEPLOYMENTS_REPARTITION = "deployments-by-version";

    private DetectionTopology() {
    }

    /** Everything the detection topology needs besides the builder and the validated inputs. */
    public record Settings(TokenProcessor.DetectionSettings time, int versionPartitions, Clock clock, Duration reportGrace,
                           WatermarkSources reportSources) {
    }

    public static void addTo(StreamsBuilder builder, IngestTopology.Inputs inputs, Topics topics, Settings s) {
        // Policies: validated upstream (invalid ones are dead-lettered), then read by every task from a global store.
        inputs.policies().to(topics.validPolicies().name(), topics.validPolicies().produced("valid-policies-sink"));
        builder.globalTable(topics.validPolicies().name(), topics.validPolicies().consumed("valid-policies-source"),
                Materialized.<String, TokenPolicy, KeyValueStore<Bytes, byte[]>>as(POLICY_STORE)
                        .withKeySerde(topics.validPolicies().keySerde()).withValueSerde(topics.validPolicies().valueSerde()));

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TOKEN_STORE),
                topics.keySerde(), topics.storeSerde(TokenState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_INDEX_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERSION_STORE),
                Serdes.String(), Serdes.String()));

        // Links carry their event time in the value: the topic uses LogAppendTime like every TokenPulse topic.
        KStream<String, TokenLink> links = builder.stream(topics.links().name(), topics.links().consumed("links-source")
                .withTimestampExtractor((record, partitionTime) ->
                        record.value() instanceof TokenLink l ? l.getAt() : partitionTime));
        // The links topic is both read and written here: a loop through a topic, which Kafka Streams allows.
        KStream<String, TokenInput> tokenInputs = inputs.lifecycle()
                .<TokenInput>mapValues(TokenInput.Lifecycle::new, Named.as("lifecycle-as-input"))
                .merge(inputs.usage().<TokenInput>mapValues(TokenInput.Usage::new, Named.as("usage-as-input")),
                        Named.as("lifecycle-and-usage"))
                .merge(links.<TokenInput>mapValues(TokenInput.Link::new, Named.as("link-as-input")), Named.as("token-inputs"));

        EventClock eventClock = new EventClock(); // one per app instance, shared by its token tasks
        KStream<String, TokenOutput> out = tokenInputs.process(() -> new TokenProcessor(s.time(), s.clock(), eventClock),
                Named.as(TOKEN_PROCESSOR), TOKEN_STORE, DUE_STORE, TENANT_INDEX_STORE);

        @SuppressWarnings("unchecked")
        KStream<String, IncidentTimeline>[] incidents = new KStream[1];
        @SuppressWarnings("unchecked")
        KStream<String, MetricFact>[] facts = new KStream[1];
        out.split(Named.as("token-output-"))
                .branch((k, v) -> v instanceof TokenOutput.Alert, Branched.withConsumer(alerts -> routeAlerts(alerts, topics), "alerts"))
                .branch((k, v) -> v instanceof TokenOutput.Link, Branched.withConsumer(l -> l
                        .mapValues(v -> ((TokenOutput.Link) v).link(), Named.as("link-values"))
                        .to(topics.links().name(), topics.links().produced("token-links-sink")), "links"))
                .branch((k, v) -> v instanceof TokenOutput.Binding, Branched.withConsumer(b ->
                        versions(builder, b, inputs.deployments(), topics, s), "bindings"))
                .branch((k, v) -> v instanceof TokenOutput.Incident, Branched.withConsumer(i -> incidents[0] = i
                        .mapValues(v -> ((TokenOutput.Incident) v).timeline(), Named.as("incident-values")), "incidents"))
                .branch((k, v) -> v instanceof TokenOutput.Fact, Branched.withConsumer(f -> facts[0] = f
                        .mapValues(v -> ((TokenOutput.Fact) v).fact(), Named.as("fact-values")), "facts"));
        ReportTopology.addTo(builder, facts[0], incidents[0], topics, s.reportGrace(), s.reportSources());
    }

    private static void routeAlerts(KStream<String, TokenOutput> alerts, Topics topics) {
        KStream<String, TokenOutput.Alert> typed = alerts.mapValues(v -> (TokenOutput.Alert) v, Named.as("alert-outputs"));
        typed.mapValues(TokenOutput.Alert::alert, Named.as("alert-values"))
                .to(topics.alerts().name(), topics.alerts().produced("alerts-sink"));
        typed.filter((k, v) -> v.action() != null, Named.as("alerts-with-action"))
                .mapValues(TokenOutput.Alert::action, Named.as("action-values"))
                .to(topics.actions().name(), topics.actions().produced("actions-sink"));
    }

    private static void versions(StreamsBuilder builder, KStream<String, TokenOutput> bindingOutputs,
                                 KStream<String, ServiceDeploymentEvent> deployments, Topics topics, Settings s) {
        var bindingSerde = topics.storeSerde(TokenBinding.class);
        var deploymentSerde = topics.deployments().valueSerde();
        KStream<String, VersionProcessor.Input> bindings = bindingOutputs
                .mapValues(v -> ((TokenOutput.Binding) v).binding(), Named.as("binding-values"))
                .repartition(Repartitioned.<String, TokenBinding>as(BINDINGS_REPARTITION)
                        .withKeySerde(topics.keySerde()).withValueSerde(bindingSerde)
                        .withNumberOfPartitions(s.versionPartitions()))
                .<VersionProcessor.Input>mapValues(VersionProcessor.Input.Binding::new, Named.as("binding-as-input"));
        KStream<String, VersionProcessor.Input> byVersion = deployments
                .filter((k, d) -> d != null, Named.as("deployments-not-tombstones"))
                .selectKey((k, d) -> TokenProcessor.versionKey(d.getTenant(), d.getService(), d.getVersion()),
                        Named.as("deployment-version-key"))
                .repartition(Repartitioned.<String, ServiceDeploymentEvent>as(DEPLOYMENTS_REPARTITION)
                        .withKeySerde(topics.keySerde()).withValueSerde(deploymentSerde)
                        .withNumberOfPartitions(s.versionPartitions()))
                .<VersionProcessor.Input>mapValues(VersionProcessor.Input.Deployment::new, Named.as("deployment-as-input"));
        bindings.merge(byVersion, Named.as("version-inputs"))
                .process(VersionProcessor::new, Named.as(VERSION_PROCESSOR), VERSION_STORE)
                .to(topics.links().name(), topics.links().produced("version-links-sink"));
    }
}
