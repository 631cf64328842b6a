package io.tokenpulse.app.ingest;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Reads the event time, the {@code occurredAt} field, from any of the contract's records. */
public final class EventTime {
    public static final String FIELD = "occurredAt";

    private EventTime() {
    }

    /** The record's {@code occurredAt}; empty for a value that is not an Avro record, has no such field, or leaves it null. */
    public static Optional<Instant> of(Object value) {
        return Optional.ofNullable(orNull(value));
    }

    /** {@link #of}, with {@code null} for none: for the timestamp extractor, which asks for every record. */
    public static Instant orNull(Object value) {
        // The two inputs read per record first: the schema lookup below was 2% of a backlog's intake (issue 11).
        if (value instanceof TokenUsageEvent u) {
            return u.getOccurredAt();
        }
        if (value instanceof TokenLifecycleEvent l) {
            return l.getOccurredAt();
        }
        if (!(value instanceof SpecificRecord record)) {
            return null;
        }
        Schema.Field field = record.getSchema().getField(FIELD);
        if (field == null) {
            return null;
        }
        Object v = record.get(field.pos());
        if (v instanceof Instant instant) {
            return instant;
        }
        if (v instanceof Long millis) {
            return Instant.ofEpochMilli(millis);
        }
        return null;
    }
}
