package io.tokenpulse.bench;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.schemas.TopicDef;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

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

    /** Settings naming this run's topics and application id; callers add the rest. */
    Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        topics.forEach((t, n) -> settings.put(AppConfig.TOPIC_PREFIX + t.key(), n));
        settings.put(AppConfig.APPLICATION_ID, id);
        return settings;
    }
}
