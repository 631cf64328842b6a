package io.tokenpulse.bench;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.schemas.TopicDef;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/** One benchmark run's own topics and application id on the shared local stack, so runs never see each other's data. */
record BenchRun(String id, Map<TopicDef, String> topics) {
    static BenchRun named(String prefix) {
        String id = prefix + System.currentTimeMillis();
        Map<TopicDef, String> names = new EnumMap<>(TopicDef.class);
        for (TopicDef t : TopicDef.values()) {
            names.put(t, id + "-" + t.defaultName());
        }
        return new BenchRun(id, names);
    }

    /**
     * Deletes every topic of this run (its inputs and outputs, the pipeline's internal topics) when the JVM exits, unless
     * {@code -Dbench.keepTopics=true}: a local stack that keeps every run's partitions takes longer and longer to start
     * (thousands of partition directories made {@code tokenpulse up} miss its 30 s readiness wait).
     */
    void deleteTopicsAtExit(Properties client) {
        if (Boolean.getBoolean("bench.keepTopics")) {
            return;
        }
        Properties copy = new Properties();
        copy.putAll(client);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Admin admin = Admin.create(copy)) {
                Set<String> ours = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                        .filter(n -> n.startsWith(id + "-")).collect(Collectors.toSet());
                admin.deleteTopics(ours).all().get(60, TimeUnit.SECONDS);
                System.err.printf("deleted the %d topics of run %s (keep them with -Dbench.keepTopics=true)%n", ours.size(), id);
            } catch (Exception e) {
                System.err.printf("could not delete the topics of run %s: %s%n", id, e);
            }
        }, "bench-topic-cleanup"));
    }

    /** Settings naming this run's topics and application id; callers add the rest. */
    Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        topics.forEach((t, n) -> settings.put(AppConfig.TOPIC_PREFIX + t.key(), n));
        settings.put(AppConfig.APPLICATION_ID, id);
        return settings;
    }
}
