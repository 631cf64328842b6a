package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed members of one JSON object and collects every problem instead of stopping at the first,
 * so a rejected line says all that is wrong with it.
 */
final class JsonFields {
    private final JsonNode node;
    private final List<String> problems = new ArrayList<>();

    JsonFields(JsonNode node) {
        this.node = node;
    }

    List<String> problems() {
        return problems;
    }

    String requiredString(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            problems.add(name + " is missing");
            return null;
        }
        if (!v.isTextual()) {
            problems.add(name + " must be a string, got " + type(v));
            return null;
        }
        if (v.asText().isBlank()) {
            problems.add(name + " is blank");
            return null;
        }
        return v.asText();
    }

    String optionalString(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(name + " must be a string, got " + type(v));
            return null;
        }
        return v.asText();
    }

    Instant requiredInstant(String name) {
        if (!has(name)) {
            problems.add(name + " is missing");
            return null;
        }
        return optionalInstant(name);
    }

    /**
     * ISO-8601 with an offset (2026-03-01T12:00:00Z, +02:00 is converted) or epoch milliseconds, as a number or
     * a string of digits. Truncated to milliseconds: the Avro field is timestamp-millis, so the record equals
     * what a reader decodes. A timestamp without zone is refused rather than guessed.
     */
    Instant optionalInstant(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                problems.add(name + " " + v.asText() + " is out of range for epoch milliseconds");
                return null;
            }
            return Instant.ofEpochMilli(v.asLong());
        }
        if (v.isTextual()) {
            String s = v.asText().trim();
            try {
                Instant t = s.matches("-?\\d+") ? Instant.ofEpochMilli(Long.parseLong(s)) : OffsetDateTime.parse(s).toInstant();
                return t.truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeParseException | NumberFormatException e) {
                problems.add(name + " '" + s + "' is not an ISO-8601 UTC timestamp (2026-03-01T12:00:00Z) or epoch milliseconds"
                        + (hasNoZone(s) ? ": add the zone, e.g. Z" : ""));
                return null;
            }
        }
        problems.add(name + " must be a timestamp string or epoch milliseconds, got " + type(v));
        return null;
    }

    private static boolean hasNoZone(String s) {
        try {
            LocalDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    <E extends Enum<E>> E requiredEnum(String name, Class<E> type) {
        String v = requiredString(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            problems.add(name + " '" + v + "' is not one of " + Arrays.toString(type.getEnumConstants()));
            return null;
        }
    }

    Integer optionalInt(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            problems.add(name + " must be a whole number, got " + type(v) + " " + v);
            return null;
        }
        if (!v.canConvertToInt()) {
            problems.add(name + " " + v.asText() + " is out of range (at most " + Integer.MAX_VALUE + ")");
            return null;
        }
        return v.asInt();
    }

    Long optionalLong(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            problems.add(name + " must be a whole number, got " + type(v) + " " + v);
            return null;
        }
        if (!v.canConvertToLong()) {
            problems.add(name + " " + v.asText() + " is out of range");
            return null;
        }
        return v.asLong();
    }

    Double optionalDouble(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            problems.add(name + " must be a finite number, got " + type(v));
            return null;
        }
        return v.asDouble();
    }

    Boolean optionalBoolean(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            problems.add(name + " must be true or false, got " + type(v));
            return null;
        }
        return v.asBoolean();
    }

    /** ISO-8601 duration (P90D, PT24H, P1DT2H) or milliseconds; must be positive. */
    Long optionalDurationMs(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        long ms;
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                problems.add(name + " " + v.asText() + " is out of range for milliseconds");
                return null;
            }
            ms = v.asLong();
        } else if (v.isTextual()) {
            String s = v.asText().trim();
            try {
                ms = s.matches("\\d+") ? Long.parseLong(s) : parseDuration(s).toMillis();
            } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
                problems.add(name + " '" + s + "' is not an ISO-8601 duration (P90D, PT24H) or milliseconds");
                return null;
            }
        } else {
            problems.add(name + " must be an ISO-8601 duration string or whole milliseconds, got " + type(v));
            return null;
        }
        if (ms <= 0) {
            problems.add(name + " must be positive");
            return null;
        }
        return ms;
    }

    /** Duration.parse takes days only as PnDTnH; P90D and P2W are common in policies, so periods are accepted too. */
    private static Duration parseDuration(String s) {
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            Period p = Period.parse(s);
            if (p.getYears() != 0 || p.getMonths() != 0) {
                throw new DateTimeParseException("years and months have no fixed length", s, 0);
            }
            return Duration.ofDays(p.getDays());
        }
    }

    List<String> stringArray(String name) {
        JsonNode v = node.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problems.add(name + " must be an array of strings, got " + type(v));
            return out;
        }
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().isBlank()) {
                problems.add(name + " must hold non-blank strings only");
                return new ArrayList<>();
            }
            out.add(e.asText());
        }
        return out;
    }

    Map<String, String> stringMap(String name) {
        JsonNode v = node.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            problems.add(name + " must be an object of strings, got " + type(v));
            return out;
        }
        // Attributes are free-form: scalars keep their JSON text (42, true) rather than rejecting the line.
        v.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                problems.add(name + "." + e.getKey() + " is null: leave it out instead");
            } else {
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        });
        return out;
    }

    /** The JSON type of a value, as a reason shows it: string, number, boolean, array, object. */
    static String type(JsonNode v) {
        return v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private boolean has(String name) {
        return node.has(name) && !node.get(name).isNull();
    }
}
