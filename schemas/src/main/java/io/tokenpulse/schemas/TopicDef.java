package io.tokenpulse.schemas;

import java.util.List;
import java.util.Map;

/**
 * The topics of the contract (docs/CONTRACT.md) with their default names and the configs they are created with. Names are
 * defaults only: the streams app's topic catalogue maps each {@code key} to the configured name.
 *
 * <p>Every topic uses LogAppendTime: retention counts from arrival, so replaying years-old logs (whose
 * event time travels in {@code occurredAt}) is not deleted before it is read.
 */
public enum TopicDef {
    LIFECYCLE("lifecycle", "token-lifecycle", Map.of("retention.ms", days(30))),
    USAGE("usage", "token-usage", Map.of("retention.ms", days(7))),
    DEPLOYMENTS("deployments", "service-deployments", Map.of("cleanup.policy", "compact")),
    POLICIES("policies", "token-policies", Map.of("cleanup.policy", "compact")),
    ALERTS("alerts", "token-alerts", Map.of("retention.ms", days(30))),
    ACTIONS("actions", "token-actions", Map.of("retention.ms", days(30))),
    INCIDENTS("incidents", "token-incidents", Map.of("retention.ms", days(90))),
    REPORTS("reports", "token-reports", Map.of("retention.ms", days(400))),
    DLQ("dlq", "token-dlq", Map.of("retention.ms", days(30)));

    /** Common to every topic: retention counts from arrival, not from the (possibly old) event time. */
    public static final Map<String, String> COMMON_CONFIGS = Map.of("message.timestamp.type", "LogAppendTime");

    private final String key;
    private final String defaultName;
    // Map.of is unmodifiable, but the check only trusts Guava's immutable types, which this module does not use.
    @SuppressWarnings("ImmutableEnumChecker")
    private final Map<String, String> configs;

    TopicDef(String key, String defaultName, Map<String, String> configs) {
        this.key = key;
        this.defaultName = defaultName;
        this.configs = configs;
    }

    /** Short logical name, used in config keys: {@code topic.<key>}. */
    public String key() {
        return key;
    }

    public String defaultName() {
        return defaultName;
    }

    /** Topic-level configs for creation, the common ones included. */
    public Map<String, String> configs() {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(COMMON_CONFIGS);
        all.putAll(configs);
        return Map.copyOf(all);
    }

    /** The topics the pipeline reads. */
    public static List<TopicDef> inputs() {
        return List.of(LIFECYCLE, USAGE, DEPLOYMENTS, POLICIES);
    }

    private static String days(long d) {
        return Long.toString(d * 24 * 60 * 60 * 1000);
    }
}
