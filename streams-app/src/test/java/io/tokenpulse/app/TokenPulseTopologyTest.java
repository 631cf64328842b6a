package io.tokenpulse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.ingest.DeadLetters;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.app.metrics.ReportTopology;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names of the deployed topology are a contract: changelogs and the query layer depend on them. */
class TokenPulseTopologyTest {
    @TempDir
    Path stateDir;

    @Test
    void everyNodeStoreAndTopicHasTheExpectedExplicitName() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // When
            TopologyDescription d = p.topology.topology().describe();

            // Then
            Set<String> nodes = new TreeSet<>();
            Set<String> stores = new TreeSet<>();
            Set<String> sourceTopics = new TreeSet<>();
            for (TopologyDescription.Subtopology s : d.subtopologies()) {
                for (TopologyDescription.Node n : s.nodes()) {
                    nodes.add(n.name());
                    if (n instanceof TopologyDescription.Processor proc) {
                        stores.addAll(proc.stores());
                    }
                    if (n instanceof TopologyDescription.Source src) {
                        sourceTopics.addAll(src.topicSet());
                    }
                }
            }
            assertEquals(new TreeSet<>(Set.of(
                    "lifecycle-source", "lifecycle-validate", "usage-source", "usage-validate",
                    "deployments-source", "deployments-validate", "policies-source", "policies-validate",
                    DetectionTopology.POLICY_CLOCK, "policy-links-sink", "links-source",
                    "lifecycle-as-input", "usage-as-input", "link-as-input", "lifecycle-and-usage", "token-inputs",
                    DetectionTopology.TOKEN_PROCESSOR, "token-output-", "token-output-alerts", "token-output-links",
                    "token-output-bindings", "alert-outputs", "alert-values", "alerts-sink", "alerts-with-action",
                    "action-values", "actions-sink", "link-values", "token-links-sink",
                    "binding-values", "token-bindings-repartition-filter", "token-bindings-repartition-sink",
                    "token-bindings-repartition-source",
                    "deployments-not-tombstones", DetectionTopology.DEPLOYMENT_CLOCK, "deployments-by-version-repartition-filter",
                    "deployments-by-version-repartition-sink", "deployments-by-version-repartition-source",
                    "version-inputs", DetectionTopology.VERSION_PROCESSOR, "version-links-sink",
                    "token-output-incidents", "incident-values", "incidents-sink",
                    "token-output-facts", "fact-values", "report-facts-repartition-filter", "report-facts-repartition-sink",
                    "report-facts-repartition-source", ReportTopology.REPORT_PROCESSOR, "reports-sink")), nodes);
            assertEquals(Set.of(DetectionTopology.TOKEN_STORE, DetectionTopology.DUE_STORE, DetectionTopology.TENANT_INDEX_STORE,
                    DetectionTopology.HELD_STORE, DetectionTopology.PROGRESS_STORE, DetectionTopology.EVENT_ID_STORE, DetectionTopology.EVENT_ID_INDEX_STORE,
                    DetectionTopology.LEGACY_EVENT_ID_STORE,
                    DetectionTopology.RELAY_STORE, DetectionTopology.POLICY_TIMELINE_STORE,
                    DetectionTopology.VERSION_STORE, DetectionTopology.VERSION_PROGRESS_STORE,
                    DetectionTopology.DEPLOY_PROGRESS_STORE, DetectionTopology.POLICY_PROGRESS_STORE, ReportTopology.CURSOR_STORE, ReportTopology.WINDOW_STORE,
                    ReportTopology.CLOCK_STORE, ReportTopology.LATEST_STORE), stores);
            assertEquals(Set.of("token-lifecycle", "token-usage", "service-deployments", "token-policies",
                    "tokenpulse-token-links", "token-bindings-repartition", "deployments-by-version-repartition",
                    "report-facts-repartition"), sourceTopics);
            assertEquals(0, d.globalStores().size(), "policies travel in the stream, not in a global store");
            assertFalse(d.toString().contains("KSTREAM-"), d.toString());
            assertFalse(d.toString().contains("KTABLE-"), d.toString());
        }
    }

    @Test
    void topicNamesComeFromConfig() {
        try (Pipeline p = new Pipeline(stateDir, java.util.Map.of("topic.lifecycle", "acme.lifecycle.v1"))) {
            assertTrue(p.topology.topology().describe().toString().contains("acme.lifecycle.v1"));
        }
    }

    @Test
    void theStreamsSettingsEnforceNamingEosAndTheDeadLetterPath() {
        try (Pipeline p = new Pipeline(stateDir, java.util.Map.of("streams.commit.interval.ms", "250"))) {
            Properties props = p.topology.properties();
            assertEquals("true", props.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG));
            assertEquals("exactly_once_v2", props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
            assertEquals("token-dlq", props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
            assertEquals("tokenpulse", props.get(StreamsConfig.APPLICATION_ID_CONFIG));
            assertEquals("250", props.get("commit.interval.ms"));
            assertSame(p.topology.deadLetters(), props.get(DeadLetters.COUNTER_CONFIG));
            // Global stores go through the processing-exception handler too (set once, by Kafka's constant).
            assertEquals("true", props.get("processing.exception.handler.global.enabled"));
            // A batch a broker keeps refusing fails the transaction within two minutes instead of retrying for ever,
            // as Kafka Streams' exactly-once default would.
            Object delivery = new StreamsConfig(props).getProducerConfigs("client").get("delivery.timeout.ms");
            assertEquals(120_000, Integer.parseInt(delivery.toString()));
        }
    }
}
