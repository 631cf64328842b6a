package io.tokenpulse.app;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.schemas.TopicSetup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics the app owns beside the contract's: the links topic (must be co-partitioned with lifecycle and usage,
 * since the token processor reads all three by tokenId; it also carries the tasks' time promises and the policies).
 * Checked and created before the streams client starts, so a mis-partitioned cluster fails with a sentence,
 * not with alerts on the wrong token.
 */
final class AppTopics {
    private static final Logger LOG = LoggerFactory.getLogger(AppTopics.class);

    private AppTopics() {
    }

    /** How many token tasks (lifecycle, usage, links partitions), deployment tasks and policy tasks run. */
    record Partitions(int tokens, int deployments, int policies, String clusterId) {
    }

    static Partitions ensure(AppConfig config, Topics topics) {
        try (Admin admin = Admin.create(config.kafkaClientProperties())) {
            Map<String, TopicDescription> inputs = describe(admin, List.of(topics.lifecycle().name(), topics.usage().name(),
                    topics.deployments().name(), topics.policies().name()));
            int deployments = inputs.get(topics.deployments().name()).partitions().size();
            int policies = inputs.get(topics.policies().name()).partitions().size();
            int partitions = inputs.get(topics.lifecycle().name()).partitions().size();
            int usage = inputs.get(topics.usage().name()).partitions().size();
            if (usage != partitions) {
                throw new IllegalStateException("topics " + topics.lifecycle().name() + " (" + partitions + " partitions) and "
                        + topics.usage().name() + " (" + usage + ") must have the same partition count: a token's lifecycle "
                        + "and uses are judged together, by tokenId");
            }
            NewTopic linksTopic = new NewTopic(topics.links().name(), partitions, (short) -1).configs(Map.of(
                    "message.timestamp.type", "LogAppendTime", "retention.ms", Long.toString(7L * 24 * 3600 * 1000)));
            for (String name : TopicSetup.create(admin, List.of(linksTopic))) {
                LOG.info("Created topic {} ({} partitions)", name, partitions);
            }
            // Wait until it is served.
            Map<String, TopicDescription> created = describe(admin, List.of(topics.links().name()));
            int links = created.get(topics.links().name()).partitions().size();
            if (links != partitions) {
                throw new IllegalStateException("topic " + topics.links().name() + " has " + links + " partitions but "
                        + topics.lifecycle().name() + " has " + partitions + "; delete it (it is rebuilt from the inputs) or "
                        + "give it the same count");
            }
            String clusterId = admin.describeCluster().clusterId().get(60, java.util.concurrent.TimeUnit.SECONDS);
            return new Partitions(partitions, deployments, policies, clusterId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the app's topics", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot learn the Kafka cluster's id from " + config.bootstrapServers() + ": " + e, e);
        }
    }

    private static Map<String, TopicDescription> describe(Admin admin, List<String> names) throws InterruptedException {
        // A topic just created may not be in every broker's metadata yet: ask again for a few seconds.
        for (int attempt = 1; ; attempt++) {
            try {
                Map<String, TopicDescription> found = admin.describeTopics(names).allTopicNames().get();
                boolean led = found.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (led || attempt >= 20) {
                    return found;
                }
                Thread.sleep(250);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || attempt >= 20) {
                    throw missing(names, e);
                }
                Thread.sleep(250);
            }
        }
    }

    private static IllegalStateException missing(List<String> names, ExecutionException e) {
        return new IllegalStateException("cannot read topics " + names + " from the cluster (" + e.getCause().getMessage()
                + "); create the contract's topics first (./tokenpulse up does it for the local stack)", e.getCause());
    }
}
