package io.tokenpulse.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.schemas.TopicDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compose stack's {@code topics} service creates exactly SPEC's topics (the schemas module's {@link TopicDef})
 * with their configs. Runs without Docker, so the compose file cannot drift from the catalogue unnoticed.
 */
class ComposeTopicsTest {
    /** A config value: a word, or shell arithmetic such as {@code $$((30 * day))} (compose's escaped {@code $}). */
    private static final String VALUE = "(?:\\$\\$\\(\\([^)]*\\)\\)|\\S+)";
    private static final Pattern CREATE_CALL = Pattern.compile(
            "^\\s*create\\s+(\\S+)((?:\\s+--config\\s+[^=\\s]+=" + VALUE + ")*)\\s*$", Pattern.MULTILINE);
    private static final Pattern CONFIG = Pattern.compile("--config\\s+([^=\\s]+)=(" + VALUE + ")");
    private static final Pattern DAYS = Pattern.compile("\\$\\$\\(\\((\\d+) \\* day\\)\\)");

    @Test
    void topicsServiceCreatesEverySpecTopicWithItsConfigs() throws IOException {
        String compose = Files.readString(composeFile());

        // Given: each `create NAME --config k=v ...` line of the topics service, plus what create() adds to every topic
        Map<String, Map<String, String>> created = new LinkedHashMap<>();
        Matcher call = CREATE_CALL.matcher(compose);
        while (call.find()) {
            created.put(call.group(1), configs(call.group(2)));
        }
        String createFunction = compose.substring(compose.indexOf("create() {"), compose.indexOf("day=86400000"));
        Map<String, String> common = configs(createFunction);

        // Then: the same topics as the catalogue, each with the catalogue's configs, 12 partitions and RF 3
        assertEquals(Arrays.stream(TopicDef.values()).map(TopicDef::defaultName).collect(Collectors.toSet()), created.keySet());
        for (TopicDef topic : TopicDef.values()) {
            Map<String, String> actual = new HashMap<>(common);
            actual.putAll(created.get(topic.defaultName()));
            actual.keySet().retainAll(topic.configs().keySet());
            assertEquals(topic.configs(), actual, topic.defaultName());
        }
        assertTrue(createFunction.contains("--partitions 12 --replication-factor 3"), createFunction);
        assertEquals("2", common.get("min.insync.replicas"), createFunction);
    }

    private static Map<String, String> configs(String text) {
        Map<String, String> configs = new HashMap<>();
        Matcher config = CONFIG.matcher(text);
        while (config.find()) {
            Matcher days = DAYS.matcher(config.group(2));
            configs.put(config.group(1), days.matches()
                    ? Long.toString(Long.parseLong(days.group(1)) * 86_400_000L) : config.group(2));
        }
        return configs;
    }

    private static Path composeFile() {
        Path here = Path.of("compose.yaml");
        return Files.isRegularFile(here) ? here : Path.of(System.getProperty("tokenpulse.root", ".."), "docker", "compose.yaml");
    }
}
