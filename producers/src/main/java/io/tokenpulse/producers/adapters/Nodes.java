package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Lenient reads from foreign log records: a member that is absent, null, blank or of another type is simply absent. */
final class Nodes {
    private Nodes() {
    }

    /** The text at {@code path} (object members), or null when any step is missing or the value is not a non-blank string. */
    static String text(JsonNode node, String... path) {
        JsonNode v = at(node, path);
        return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
    }

    static JsonNode at(JsonNode node, String... path) {
        JsonNode v = node;
        for (String step : path) {
            if (v == null || !v.isObject()) {
                return null;
            }
            v = v.get(step);
        }
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    /** ISO-8601 with an offset, truncated to milliseconds as the Avro timestamp-millis fields hold; null if not one. */
    static Instant isoInstant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s.strip()).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Jackson's message without the quoted input it cites ("Unrecognized token 'ghp_...'"): a malformed line may
     * be a pasted secret, and a rejection reason is printed and logged.
     */
    static String safeMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        m = m.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
        int cut = m.indexOf('\n');
        return cut < 0 ? m : m.substring(0, cut);
    }

    /** "Records[3]: " or "" : names the record within its line in a reason. */
    static String prefix(String where) {
        return where.isEmpty() ? "" : where + ": ";
    }
}
