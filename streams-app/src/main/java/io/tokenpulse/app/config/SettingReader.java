package io.tokenpulse.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads layered settings through their definitions, recording every problem instead of throwing at the first, so
 * the user fixes them in one go. A problem names the setting, its value (hidden when it looks like a secret), the
 * layer the value came from, and what the setting accepts.
 */
final class SettingReader {
    private final Settings settings;
    private final List<String> problems = new ArrayList<>();

    SettingReader(Settings settings) {
        this.settings = settings;
    }

    /** The typed value of a setting that must be there (every setting with a built-in default); null on a problem. */
    <T> T get(Setting<T> setting) {
        Optional<String> raw = settings.get(setting.name());
        if (raw.isEmpty()) {
            problems.add(setting.name() + ": missing");
            return null;
        }
        return parse(setting, raw.get());
    }

    /** The typed value of a setting without a default; empty when absent or blank, or on a problem. */
    <T> Optional<T> optional(Setting<T> setting) {
        return settings.get(setting.name()).filter(v -> !v.isBlank()).map(v -> parse(setting, v));
    }

    /** The settings under a prefix, with the prefix stripped, as they are. */
    Map<String, String> prefixed(Setting<String> prefix) {
        return settings.withPrefix(prefix.name());
    }

    /** A problem that concerns more than one value, or none (an unknown key). */
    void problem(String problem) {
        problems.add(problem);
    }

    String origin(String key) {
        return settings.origin(key);
    }

    boolean ok() {
        return problems.isEmpty();
    }

    /** Throws every problem recorded, if there is any. */
    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private <T> T parse(Setting<T> setting, String raw) {
        try {
            return setting.parse(raw);
        } catch (IllegalArgumentException e) {
            String key = setting.name();
            problems.add(key + "=" + (AppConfig.isSecret(key) ? "(hidden)" : raw) + " (" + settings.origin(key) + "): "
                    + e.getMessage());
            return null;
        }
    }
}
