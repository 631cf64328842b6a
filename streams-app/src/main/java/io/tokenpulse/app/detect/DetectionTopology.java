package io.tokenpulse.app.detect;

import io.tokenpulse.app.config.Detection;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.ingest.IngestTopology;
import io.tokenpulse.app.metrics.ReportTopology;
import io.tokenpulse.app.state.StoredTokenState;
import io.tokenpulse.app.state.WriteBehindStore;
import io.tokenpulse.app.time.Broadcast;
import io.tokenpulse.app.time.InputEnds;
import io.tokenpulse.app.time.LateRecords;
import io.tokenpulse.app.time.TimeSources;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.PolicyTimeline;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.avro.state.VersionInput;
import io.tokenpulse.avro.state.VersionInputKind;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Every alert of the contract: the token processor (lifecycle, usage, links, deadlines, time) and the version
 * processor (versioned access), wired through the links topic, which also carries the tasks' time promises and the
 * tenants' policies to every token task. See docs/DETECTION.md and docs/TIME.md.
 */
public final class DetectionTopology {
    public static final String TOKEN_PROCESSOR = "token-processor";
    public static final String VERSION_PROCESSOR = "version-processor";
    public static final String DEPLOYMENT_CLOCK = "deployment-clock";
    public static final String POLICY_CLOCK = "policy-clock";
    /** Per-token lifecycle and activity, by tokenId. */
    public static final String TOKEN_STORE = "token-state";
    /** Deadlines by due time (see {@link DueIndex}). */
    public static final String DUE_STORE = "token-due";
    /** tenant + NUL + tokenId of every token of this task, to find a tenant's tokens when its policy changes. */
    public static final String TENANT_INDEX_STORE = "tenant-tokens";
    /** Records waiting for the watermark, in judging order (see time/ReorderBuffer). */
    public static final String HELD_STORE = "token-held";
    /** eventIds seen within the de-duplication window, in packs per commit (see time/EventIds). */
    public static final String EVENT_ID_STORE = "token-event-id-packs";
    /** Each eventId of {@link #EVENT_ID_STORE} with its event time: unlogged, rebuilt from the packs (see time/EventIds). */
    public static final String EVENT_ID_INDEX_STORE = "token-event-id-index";
    /** Where builds before the packs kept the eventIds: read once at start and emptied (see time/EventIds#adopt). */
    public static final String LEGACY_EVENT_ID_STORE = "token-event-ids";
    /** Where each source of a token task stands, and what the task has judged (see time/Progress). */
    public static final String PROGRESS_STORE = "token-progress";
    /** What a token's own records told other tasks (see {@link Relay}). */
    public static final String RELAY_STORE = "token-relay";
    /** Each tenant's policies in time, as this task heard them (see {@link PolicyTimeline}). */
    public static final String POLICY_TIMELINE_STORE = "policy-timeline";
    /** Versions, their deployment events and the tokens bound to them, by tenant/service@version. */
    public static final String VERSION_STORE = "version-bindings";
    public static final String VERSION_PROGRESS_STORE = "version-progress";
    public static final String DEPLOY_PROGRESS_STORE = "deployment-progress";
    public static final String POLICY_PROGRESS_STORE = "policy-progress";
    /**
     * Token states kept as objects per task (see {@link TokenStateCache}): the tokens judged between two commits and
     * then some; a few MB of heap per task.
     */
    static final int TOKEN_CACHE_ENTRIES = 4_096;
    /** Repartition topics (prefixed with the application id by Kafka Streams). */
    public static final String BINDINGS_REPARTITION = "token-bindings";
    public static final String DEPLOYMENTS_REPARTITION = "deployments-by-version";

    private DetectionTopology() {
    }

    /** Everything the detection topology needs besides the builder and the validated inputs. */
    public record Settings(Detection detection, TimeSources sources, Clock clock, LateRecords late, InputEnds ends) {
    }

    public static void addTo(StreamsBuilder builder, IngestTopology.Inputs inputs, Topics topics, Settings s) {
        Broadcast<TokenLink> linkPartitions = new Broadcast<>(topics.keySerde().serializer(), true,
                l -> l.getKind() == LinkKind.WATERMARK || l.getKind() == LinkKind.POLICY);
        Broadcast<VersionInput> versionPartitions = new Broadcast<>(topics.keySerde().serializer(), false,
                v -> v.getKind() == VersionInputKind.WATERMARK);
        Produced<String, TokenLink> toLinks = topics.links().produced("token-links-sink").withStreamPartitioner(linkPartitions);

        // A busy token is read and written by every record: the object cache in front of the store answers the reads
        // with the object last written and serialises each changed state once per commit, sending one changelog record
        // and one RocksDB write per token and commit. The record cache would hold the same states a second time, as
        // bytes, and take room from the held records: it is off here.
        builder.addStateStore(TokenStateCache.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TOKEN_STORE),
                topics.keySerde(), tokenStateSerde(topics)), TOKEN_CACHE_ENTRIES));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_INDEX_STORE),
                Serdes.String(), Serdes.String()));
        // The reorder buffer writes the records still held at a commit in packs, and a bitmap per pack of those judged
        // since: the write-behind store makes them one RocksDB write batch per commit (time/ReorderBuffer).
        builder.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_STORE),
                Serdes.Bytes(), Serdes.ByteArray())));
        // The progress changes with nearly every record, under a handful of keys: the write-behind store keeps the last
        // value of each in a map and writes them once per commit to RocksDB and the changelog (the record cache did the
        // same for a serialisation and a cache put per record: 3.5% of the intake in issue 11's profile).
        builder.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS_STORE),
                Serdes.String(), Serdes.Long())));
        // The eventIds seen: logged in packs per commit, looked up in an unlogged index rebuilt from the packs when it is
        // lost or out of step (time/EventIds).
        builder.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENT_ID_STORE),
                Serdes.Bytes(), Serdes.ByteArray())));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENT_ID_INDEX_STORE),
                Serdes.String(), Serdes.Long()).withLoggingDisabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(LEGACY_EVENT_ID_STORE,
                s.detection().dedupWindow(), Duration.ofMillis(1), false), Serdes.String(), Serdes.Long()));
        // Read by every allowed use (has the token's first allowed use been relayed?), rarely written: the record cache
        // answers the busy tokens' reads from memory.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RELAY_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POLICY_TIMELINE_STORE),
                Serdes.String(), topics.storeSerde(PolicyTimeline.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERSION_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VERSION_PROGRESS_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEPLOY_PROGRESS_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POLICY_PROGRESS_STORE),
                Serdes.String(), Serdes.Long()));

        // Policies reach every token task through the links topic, in the stream like any input (see PolicyTimeline).
        inputs.policies().process(() -> new PolicyClock(s.detection(), s.ends(), topics.policies().name()), Named.as(POLICY_CLOCK), POLICY_PROGRESS_STORE)
                .to(topics.links().name(), topics.links().produced("policy-links-sink").withStreamPartitioner(linkPartitions));

        // Links carry their event time in the value: the topic uses LogAppendTime like every TokenPulse topic.
        KStream<String, TokenLink> links = builder.stream(topics.links().name(), topics.links().consumed("links-source")
                .withTimestampExtractor((record, partitionTime) ->
                        record.value() instanceof TokenLink l ? Math.max(0, l.getAt()) : partitionTime));
        // The links topic is both read and written here: a loop through a topic, which Kafka Streams allows.
        KStream<String, TokenInput> tokenInputs = inputs.lifecycle()
                .<TokenInput>mapValues(TokenInput.Lifecycle::new, Named.as("lifecycle-as-input"))
                .merge(inputs.usage().<TokenInput>mapValues(TokenInput.Usage::new, Named.as("usage-as-input")),
                        Named.as("lifecycle-and-usage"))
                .merge(links.<TokenInput>mapValues(TokenInput.Link::new, Named.as("link-as-input")), Named.as("token-inputs"));

        KStream<String, TokenOutput> out = tokenInputs.process(() -> new TokenProcessor(s.detection(), s.sources(), s.clock(), s.late(),
                        s.ends(), topics.lifecycle().name(), topics.usage().name()),
                Named.as(TOKEN_PROCESSOR), TOKEN_STORE, DUE_STORE, TENANT_INDEX_STORE, HELD_STORE, PROGRESS_STORE,
                EVENT_ID_STORE, EVENT_ID_INDEX_STORE, LEGACY_EVENT_ID_STORE, RELAY_STORE, POLICY_TIMELINE_STORE);

        // The branches hand their streams out of the builder's callbacks; a holder does it without a generic array.
        AtomicReference<KStream<String, IncidentTimeline>> incidents = new AtomicReference<>();
        AtomicReference<KStream<String, MetricFact>> facts = new AtomicReference<>();
        out.split(Named.as("token-output-"))
                .branch((k, v) -> v instanceof TokenOutput.Alert, Branched.withConsumer(alerts -> routeAlerts(alerts, topics), "alerts"))
                .branch((k, v) -> v instanceof TokenOutput.Link, Branched.withConsumer(l -> l
                        .mapValues(v -> ((TokenOutput.Link) v).link(), Named.as("link-values"))
                        .to(topics.links().name(), toLinks), "links"))
                .branch((k, v) -> v instanceof TokenOutput.Binding, Branched.withConsumer(b ->
                        versions(b, inputs, topics, s, versionPartitions, toLinks), "bindings"))
                .branch((k, v) -> v instanceof TokenOutput.Incident, Branched.withConsumer(i -> incidents.set(i
                        .mapValues(v -> ((TokenOutput.Incident) v).timeline(), Named.as("incident-values"))), "incidents"))
                .branch((k, v) -> v instanceof TokenOutput.Fact, Branched.withConsumer(f -> facts.set(f
                        .mapValues(v -> ((TokenOutput.Fact) v).fact(), Named.as("fact-values"))), "facts"));
        ReportTopology.addTo(builder, facts.get(), incidents.get(), topics, s.detection(), s.sources());
    }

    /**
     * How the token store holds a token's state (the bench measures state size with it): compact, without the registry
     * header (see {@link StoredTokenState}); states of the registry-framed format before it are still read.
     */
    public static Serde<TokenState> tokenStateSerde(Topics topics) {
        return StoredTokenState.serde(topics.storeSerde(TokenState.class));
    }

    private static void routeAlerts(KStream<String, TokenOutput> alerts, Topics topics) {
        KStream<String, TokenOutput.Alert> typed = alerts.mapValues(v -> (TokenOutput.Alert) v, Named.as("alert-outputs"));
        typed.mapValues(TokenOutput.Alert::alert, Named.as("alert-values"))
                .to(topics.alerts().name(), topics.alerts().produced("alerts-sink"));
        typed.filter((k, v) -> v.action() != null, Named.as("alerts-with-action"))
                .mapValues(TokenOutput.Alert::action, Named.as("action-values"))
                .to(topics.actions().name(), topics.actions().produced("actions-sink"));
    }

    private static void versions(KStream<String, TokenOutput> bindingOutputs, IngestTopology.Inputs inputs, Topics topics,
                                 Settings s, Broadcast<VersionInput> partitioner, Produced<String, TokenLink> toLinks) {
        var serde = topics.storeSerde(VersionInput.class);
        KStream<String, VersionInput> bindings = bindingOutputs
                .mapValues(v -> ((TokenOutput.Binding) v).binding(), Named.as("binding-values"))
                .repartition(Repartitioned.<String, VersionInput>as(BINDINGS_REPARTITION)
                        .withKeySerde(topics.keySerde()).withValueSerde(serde).withStreamPartitioner(partitioner)
                        .withNumberOfPartitions(s.detection().versionPartitions()));
        KStream<String, VersionInput> deployments = inputs.deployments()
                .filter((k, d) -> d != null, Named.as("deployments-not-tombstones"))
                .process(() -> new DeploymentClock(s.detection(), s.ends(), topics.deployments().name()), Named.as(DEPLOYMENT_CLOCK), DEPLOY_PROGRESS_STORE)
                .repartition(Repartitioned.<String, VersionInput>as(DEPLOYMENTS_REPARTITION)
                        .withKeySerde(topics.keySerde()).withValueSerde(serde).withStreamPartitioner(partitioner)
                        .withNumberOfPartitions(s.detection().versionPartitions()));
        bindings.merge(deployments, Named.as("version-inputs"))
                .process(() -> new VersionProcessor(s.detection(), s.sources()), Named.as(VERSION_PROCESSOR), VERSION_STORE,
                        VERSION_PROGRESS_STORE)
                .to(topics.links().name(), toLinks.withName("version-links-sink"));
    }
}
