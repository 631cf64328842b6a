package io.tokenpulse.producers.adapters;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Timestamps as CloudTrail writes them. */
final class AwsTimes {
    /**
     * STS writes {@code credentials.expiration} in a Java medium date style, in UTC, not ISO-8601:
     * "Jul 18, 2014 4:07:39 PM" in older records, "Oct 2, 2019, 11:12:29 PM" (comma after the year) in newer ones.
     */
    private static final DateTimeFormatter MEDIUM = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("MMM d, yyyy[,] h:mm:ss a")
            .toFormatter(Locale.US);

    private AwsTimes() {
    }

    /** An ISO-8601 instant, or the medium style in UTC; null when it is neither. */
    static Instant parse(String s) {
        if (s == null) {
            return null;
        }
        Instant iso = Nodes.isoInstant(s);
        if (iso != null) {
            return iso;
        }
        // Newer JDKs format with a narrow no-break space before AM/PM; a log may carry either space.
        String normal = s.replace('\u202F', ' ').replace('\u00A0', ' ').strip().replaceAll(" +", " ");
        try {
            return LocalDateTime.parse(normal, MEDIUM).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
