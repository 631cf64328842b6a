package io.tokenpulse.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The definition of one setting, in the manner of Kafka's {@code ConfigDef}: its name, how its text is typed, its
 * built-in default, the values it accepts and what it is for. {@link AppConfigDef} lists every one; {@link AppConfig}
 * reads through them, and {@link AppConfig#defaults()} and the settings table of docs/SETTINGS.md come from them.
 *
 * @param name         the key; a name ending in "." stands for every setting under that prefix
 * @param type         how the text of a value becomes a value
 * @param defaultValue the built-in default as text, or null for none
 * @param whenAbsent   without a built-in default, what applies when the setting is absent (for the docs); else null
 * @param validator    the values accepted, beyond the type's own check
 * @param doc          what it is for, one line of Markdown
 */
public record Setting<T>(String name, Type<T> type, String defaultValue, String whenAbsent,
                         Validator<? super T> validator, String doc) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(doc, "doc");
        if ((defaultValue == null) == (whenAbsent == null)) {
            throw new IllegalArgumentException(name + ": either a built-in default or what applies without one");
        }
        if (defaultValue != null) {
            parse(type, validator, defaultValue); // a bad built-in default fails at class loading, not in use
        }
    }

    /** A setting with a built-in default. */
    public static <T> Setting<T> define(String name, Type<T> type, String defaultValue, Validator<? super T> validator,
                                        String doc) {
        return new Setting<>(name, type, Objects.requireNonNull(defaultValue, "defaultValue"), null, validator, doc);
    }

    /** A setting without a built-in default; {@code whenAbsent} says what applies then. */
    public static <T> Setting<T> optional(String name, Type<T> type, String whenAbsent, Validator<? super T> validator,
                                          String doc) {
        return new Setting<>(name, type, null, Objects.requireNonNull(whenAbsent, "whenAbsent"), validator, doc);
    }

    /** Every setting under {@code prefix} (which ends with "."), passed on as it is. */
    public static Setting<String> prefix(String prefix, String whenAbsent, String doc) {
        if (!prefix.endsWith(".")) {
            throw new IllegalArgumentException("a prefix ends with '.': " + prefix);
        }
        return optional(prefix, Type.STRING, whenAbsent, Validator.any(), doc);
    }

    public boolean isPrefix() {
        return name.endsWith(".");
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** The key as the docs show it: a prefix as {@code prefix*}. */
    public String key() {
        return isPrefix() ? name + "*" : name;
    }

    /**
     * Types and checks the text of a value; the message of the {@link IllegalArgumentException} says what is wrong
     * and what is accepted (without the key or the value, which the caller adds as it shows them).
     */
    public T parse(String text) {
        return parse(type, validator, text);
    }

    /** Checks a typed value (a record built in code); the message names the setting and what it accepts. */
    public <V extends T> V ensureValid(V value) {
        Objects.requireNonNull(value, name);
        if (!test(validator, value)) {
            throw new IllegalArgumentException(name + " must be " + validator.accepted() + ", got " + value);
        }
        return value;
    }

    private static <T> T parse(Type<T> type, Validator<? super T> validator, String text) {
        T value;
        try {
            value = type.parser().apply(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(type.problem()
                    + (validator.accepted().isEmpty() ? "" : "; must be " + validator.accepted()), e);
        }
        if (!test(validator, value)) {
            throw new IllegalArgumentException("must be " + validator.accepted());
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean test(Validator<? super T> validator, T value) {
        return ((Validator<T>) validator).test().test(value);
    }

    /**
     * How text becomes a value. {@code problem} is what an error says when the text is not one, naming the form
     * expected; the parser may throw any runtime exception.
     */
    public record Type<T>(String problem, Function<String, T> parser) {
        public static final Type<String> STRING = new Type<>("not text", Function.identity());
        public static final Type<Integer> INT = new Type<>("not a whole number", Integer::parseInt);
        public static final Type<Long> LONG = new Type<>("not a whole number", Long::parseLong);
        public static final Type<Boolean> BOOLEAN = oneOf("true", "false").map(Boolean::parseBoolean);
        public static final Type<Path> PATH = new Type<>("not a path", Path::of);
        /** ISO-8601 ({@code P1D}, {@code PT30S}) or milliseconds, as the contract's policy durations are. */
        public static final Type<Duration> DURATION = new Type<>(
                "not a duration (use ISO-8601 like PT30S or P1D, or milliseconds)", Type::duration);
        /** Comma-separated SHA-256 hashes in hex, lower-cased; empty entries are skipped. */
        public static final Type<List<String>> SHA256_LIST = new Type<>("each entry must be a SHA-256 hash in hex"
                + " (64 characters), e.g. the output of 'printf %s TOKEN | sha256sum'", Type::sha256List);

        public Type {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(parser, "parser");
        }

        /** One of a few words, in any case; the value is the word in lower case. */
        public static Type<String> oneOf(String... words) {
            List<String> known = List.of(words);
            return new Type<>("must be " + String.join(" or ", words), v -> {
                String w = v.toLowerCase(Locale.ROOT);
                if (!known.contains(w)) {
                    throw new IllegalArgumentException(w);
                }
                return w;
            });
        }

        public <R> Type<R> map(Function<T, R> f) {
            return new Type<>(problem, parser.andThen(f));
        }

        private static Duration duration(String v) {
            if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
                return Duration.ofMillis(Long.parseLong(v));
            }
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        }

        private static List<String> sha256List(String v) {
            List<String> hashes = new ArrayList<>();
            for (String h : v.split(",", -1)) {
                String hash = h.trim().toLowerCase(Locale.ROOT);
                if (hash.isEmpty()) {
                    continue;
                }
                if (!hash.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("not a SHA-256 hash");
                }
                hashes.add(hash);
            }
            return List.copyOf(hashes);
        }
    }

    /** The values a setting accepts beyond its type; {@code accepted} completes "must be ..." (empty: anything). */
    public record Validator<T>(String accepted, Predicate<T> test) {
        private static final Validator<Object> ANY = new Validator<>("", v -> true);

        public Validator {
            Objects.requireNonNull(accepted, "accepted");
            Objects.requireNonNull(test, "test");
        }

        @SuppressWarnings("unchecked")
        public static <T> Validator<T> any() {
            return (Validator<T>) ANY;
        }

        public static Validator<String> nonBlank() {
            return new Validator<>("non-blank", v -> !v.isBlank());
        }

        public static Validator<Number> atLeast(long min) {
            return new Validator<>("at least " + min, v -> v.longValue() >= min);
        }

        public static Validator<Number> between(long min, long max, String accepted) {
            return new Validator<>(accepted, v -> v.longValue() >= min && v.longValue() <= max);
        }

        public static Validator<Duration> positive() {
            return new Validator<>("positive", d -> !d.isNegative() && !d.isZero());
        }

        public static Validator<Duration> notNegative() {
            return new Validator<>("zero or positive", d -> !d.isNegative());
        }
    }
}
