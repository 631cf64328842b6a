package io.tokenpulse.producers.adapters;

/** What one input line became: an event to publish, or a rejection with its line number and reason. */
public sealed interface LineResult {
    long lineNumber();

    record Accepted(long lineNumber, CanonicalEvent event) implements LineResult {
    }

    record Rejected(long lineNumber, String reason) implements LineResult {
        @Override
        public String toString() {
            return "line " + lineNumber + ": " + reason;
        }
    }
}
