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

    record Accepted(long lineNumber, CanonicalEvent event) implements LineResult {
    }

    /**
     * @param reason a sentence for a person; never holds a raw secret
     * @param code   a short, stable reason class ({@code not-json}, {@code truncated}, ...) by which rejections are
     *               counted; {@link #INVALID} for a line that fails validation in its own way
     */
    record Rejected(long lineNumber, String reason, String code) implements LineResult {
        /** The code of the canonical JSON Lines rejections, whose reasons are as varied as the lines. */
        public static final String INVALID = "invalid";

        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(code, "code");
        }

        public Rejected(long lineNumber, String reason) {
            this(lineNumber, reason, INVALID);
        }

        @Override
        public String toString() {
            return "line " + lineNumber + ": " + reason;
        }
    }
}
