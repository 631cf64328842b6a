package io.tokenpulse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.ingest.DeadLetters;
import io.tokenpulse.app.state.TokenStateTopology;
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
            assertEquals(Set.of(
                    "lifecycle-source", "lifecycle-validate", TokenStateTopology.APPLY,
                    "usage-source", "usage-validate",
                    "deployments-source", "deployments-validate",
                    "policies-source", "policies-validate"), nodes);
            assertEquals(Set.of("token-state"), stores);
            assertEquals(Set.of("token-lifecycle", "token-usage", "service-deployments", "token-policies"), sourceTopics);
            assertTrue(d.globalStores().isEmpty());
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
        }
    }
}
