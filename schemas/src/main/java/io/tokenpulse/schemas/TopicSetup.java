package io.tokenpulse.schemas;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates topics, the one way every module does: the contract's topics with the configs of {@link TopicDef} (the local
 * stack, tests, benchmarks) and any other topic a caller describes (the app's links topic).
 */
public final class TopicSetup {
    private static final long TIMEOUT_SECONDS = 30;

    private TopicSetup() {
    }

    /** Every topic under its default name. */
    public static Map<TopicDef, String> defaultNames() {
        Map<TopicDef, String> names = new EnumMap<>(TopicDef.class);
        for (TopicDef def : TopicDef.values()) {
            names.put(def, def.defaultName());
        }
        return names;
    }

    /**
     * Creates the topics that do not exist yet, with replication factor 1. Existing topics are left as
     * they are (their configs too). Returns the names it created.
     */
    public static List<String> ensureTopics(Admin admin, Map<TopicDef, String> names, int partitions) {
        return ensureTopics(admin, names, partitions, (short) 1);
    }

    /** {@link #ensureTopics(Admin, Map, int)} with an explicit replication factor. */
    public static List<String> ensureTopics(Admin admin, Map<TopicDef, String> names, int partitions,
                                            short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        names.forEach((def, name) ->
                topics.add(new NewTopic(name, partitions, replicationFactor).configs(def.configs())));
        return create(admin, topics);
    }

    /**
     * Creates whichever of {@code topics} do not exist yet; returns the names it created. One created meanwhile by
     * someone else counts as there; an existing topic is left as it is, whatever its partitions and configs.
     */
    public static List<String> create(Admin admin, List<NewTopic> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            CreateTopicsResult result = admin.createTopics(missing);
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    result.values().get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(topic.name());
                } catch (ExecutionException e) {
                    // Another process created it between our list and our create: that is the goal anyway.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
