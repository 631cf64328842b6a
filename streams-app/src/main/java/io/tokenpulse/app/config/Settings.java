package io.tokenpulse.app.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Flat key/value settings merged from layers, later layers winning, each value remembering the layer it
 * came from so an error (or {@code tokenpulse config}) can say where a bad value was set.
 */
public final class Settings {
    /** Environment variables with this prefix are settings: {@code TOKENPULSE_TOPIC_USAGE} is {@code topic.usage}. */
    public static final String ENV_PREFIX = "TOKENPULSE_";

    /** A value and the layer that set it. */
    public record Value(String value, String origin) {
    }

    private final Map<String, Value> values;

    private Settings(Map<String, Value> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key)).map(Value::value);
    }

    /** Where the value of {@code key} came from, e.g. {@code "environment TOKENPULSE_NUM_THREADS"}. */
    public String origin(String key) {
        Value v = values.get(key);
        return v == null ? "built-in default" : v.origin();
    }

    /** Every setting with its origin, sorted by key. */
    public Map<String, Value> all() {
        return values;
    }

    /** The settings under {@code prefix}, with the prefix stripped. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v.value());
            }
        });
        return out;
    }

    /** {@code TOKENPULSE_SCHEMA_REGISTRY_URL} -> {@code schema.registry.url}; empty for other variables. */
    static Optional<String> keyOfEnv(String variable) {
        if (!variable.startsWith(ENV_PREFIX) || variable.length() == ENV_PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'));
    }

    /** Adds layers lowest precedence first. */
    public static final class Builder {
        private final Map<String, Value> values = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder layer(Map<String, String> layer, String origin) {
            layer.forEach((k, v) -> {
                if (v != null) {
                    values.put(k.trim(), new Value(v.trim(), origin));
                }
            });
            return this;
        }

        /** A properties file; a missing file is an error, since the caller named it. */
        public Builder file(Path file, String origin) {
            return layer(read(file), origin + " " + file);
        }

        /** A properties file that may be absent (the local stack file before the first {@code up}). */
        public Builder optionalFile(Path file, String origin) {
            return Files.isRegularFile(file) ? file(file, origin) : this;
        }

        /** The {@code TOKENPULSE_*} variables of {@code environment}; every other variable is ignored. */
        public Builder environment(Map<String, String> environment) {
            new TreeMap<>(environment).forEach((variable, value) -> keyOfEnv(variable).ifPresent(
                    key -> values.put(key, new Value(value.trim(), "environment " + variable))));
            return this;
        }

        public Settings build() {
            return new Settings(values);
        }

        private static Map<String, String> read(Path file) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read settings file " + file + ": " + e.getMessage(), e);
            }
            Map<String, String> out = new LinkedHashMap<>();
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
            return out;
        }
    }
}
