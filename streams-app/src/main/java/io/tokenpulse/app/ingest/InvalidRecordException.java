package io.tokenpulse.app.ingest;

/**
 * A record that deserialized but breaks the contract. Thrown by the validation step and turned into a dead
 * letter by {@link DeadLetterProcessingHandler}, which has the record's original bytes. No stack trace: this is
 * an expected outcome on a hot path, not a bug.
 */
public final class InvalidRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }

    /** The human sentence that ends up in the {@code tokenpulse.dlq.reason} header. */
    public String reason() {
        return getMessage();
    }
}
