package io.tokenpulse.producers.adapters;

import java.util.Objects;

/**
 * What one input record became: an event to publish, or a rejection with its position and reason.
 *
 * <p>{@code lineNumber} is the 1-based physical line the record starts on. A line may hold several records
 * (a CloudTrail delivery file on one line, Vault entries written back to back), and one record may become two
 * events (a call that uses one key and issues another): such results share the line number, and the reason of
 * a rejection names the record within the line ({@code Records[17]}, {@code object 2 on the line}).
 */
public sealed interface LineResult {
    long lineNumber();

    /** Where the record came from (a file path) when several inputs are read; null for a single input. */
    String source();

    record Accepted(long lineNumber, CanonicalEvent event, String source) implements LineResult {
        public Accepted(long lineNumber, CanonicalEvent event) {
            this(lineNumber, event, null);
        }

        /** This result, from {@code source}. */
        public Accepted from(String source) {
            return new Accepted(lineNumber, event, source);
        }
    }

    /**
     * A record that does not become an event.
     *
     * @param reason a sentence for a person; passed through {@link Sanitizer} here, so that no rejection path can
     *               print a secret or a control character from its input, whatever it quotes
     * @param code   a short, stable reason class ({@code not-json}, {@code truncated}, ...) by which rejections are
     *               counted; {@link #INVALID} for a line that fails validation in its own way
     * @param source the file the record came from, or null
     */
    record Rejected(long lineNumber, String reason, String code, String source) implements LineResult {
        /** The code of the canonical JSON Lines rejections, whose reasons are as varied as the lines. */
        public static final String INVALID = "invalid";

        public Rejected {
            reason = Sanitizer.reason(Objects.requireNonNull(reason, "reason"));
            code = Sanitizer.key(Objects.requireNonNull(code, "code"));
            source = source == null ? null : Sanitizer.key(source);
        }

        public Rejected(long lineNumber, String reason, String code) {
            this(lineNumber, reason, code, null);
        }

        public Rejected(long lineNumber, String reason) {
            this(lineNumber, reason, INVALID);
        }

        /** This rejection, from {@code source}. */
        public Rejected from(String source) {
            return new Rejected(lineNumber, reason, code, source);
        }

        @Override
        public String toString() {
            return (source == null ? "" : source + " ") + "line " + lineNumber + ": " + reason;
        }
    }
}
