package io.tokenpulse.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The definitions of the settings: one per setting, and what a bad value of each kind is told. */
class AppConfigDefTest {
    @Test
    void eachSettingIsDefinedOnceAndItsDefaultIsOneItAccepts() {
        Set<String> names = new HashSet<>();
        for (Setting<?> s : AppConfigDef.all()) {
            assertTrue(names.add(s.name()), s.name() + " is defined twice");
            if (s.hasDefault()) {
                s.parse(s.defaultValue());
            }
        }
        assertEquals(AppConfigDef.all().stream().filter(Setting::hasDefault).count(), AppConfig.defaults().size());
    }

    @Test
    void theTimeSettingsAreOneDetectionRecordWithTheDefaults() {
        AppConfig c = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of());
        assertEquals(new Detection(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofDays(7), Duration.ofSeconds(1),
                Duration.ofMillis(200), 6, Duration.ofMinutes(5)), c.detection());

        AppConfig set = AppConfig.load(Optional.empty(), Optional.empty(), Map.of("TOKENPULSE_LATENESS", "PT15M"),
                Map.of(AppConfig.DETECT_IDLE_AFTER, "0", AppConfig.REPORTS_GRACE, "PT0S"));
        assertEquals(Duration.ofMinutes(15), set.detection().lateness());
        assertEquals(Duration.ZERO, set.detection().idleTimeout());
        assertEquals(Duration.ZERO, set.detection().reportGrace());
    }

    @Test
    void aBadValueIsToldWithItsSettingItsOriginAndWhatTheSettingAccepts() {
        ConfigException e = assertThrows(ConfigException.class, () -> AppConfig.load(Optional.empty(), Optional.empty(),
                Map.of("TOKENPULSE_DEDUP_WINDOW", "a week"),
                Map.of(AppConfig.LATENESS, "-PT1S", AppConfig.DETECT_VERSION_PARTITIONS, "0", AppConfig.NUM_THREADS, "many",
                        AppConfig.QUERY_ENABLED, "yes", AppConfig.PROCESSING_GUARANTEE, "exactly_once",
                        AppConfig.QUERY_PORT, "70000", AppConfig.DETECT_TICK, "PT0S", "missing.cache.size", "-1")));
        assertEquals(List.of(
                "dedup.window=a week (environment TOKENPULSE_DEDUP_WINDOW): not a duration (use ISO-8601 like PT30S or P1D,"
                        + " or milliseconds); must be positive",
                "lateness=-PT1S (command line): must be zero or positive",
                "detect.version.partitions=0 (command line): must be at least 1",
                "num.threads=many (command line): not a whole number; must be at least 1",
                "query.enabled=yes (command line): must be true or false",
                "processing.guarantee=exactly_once (command line): must be exactly_once_v2 or at_least_once",
                "query.port=70000 (command line): must be 0 (a free port) to 65535",
                "detect.tick=PT0S (command line): must be positive",
                "missing.cache.size=-1 (command line): must be at least 0").stream().sorted().toList(),
                e.problems().stream().sorted().toList());
    }

    @Test
    void aDetectionBuiltInCodeAcceptsWhatTheSettingsAccept() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Detection(Duration.ofSeconds(-1),
                Duration.ZERO, Duration.ofDays(7), Duration.ofSeconds(1), Duration.ZERO, 1, Duration.ZERO));
        assertEquals("lateness must be zero or positive, got PT-1S", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Detection(Duration.ZERO, Duration.ZERO,
                Duration.ofDays(7), Duration.ofSeconds(1), Duration.ZERO, 0, Duration.ZERO));
        assertEquals("detect.version.partitions must be at least 1, got 0", e.getMessage());
        assertThrows(NullPointerException.class, () -> new Detection(Duration.ZERO, Duration.ZERO, null,
                Duration.ofSeconds(1), Duration.ZERO, 1, Duration.ZERO));
    }
}
