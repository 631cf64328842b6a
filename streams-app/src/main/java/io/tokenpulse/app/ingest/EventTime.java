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
        // The two inputs read per record first: the schema lookup below was 2% of a backlog's intake (issue 11).
        if (value instanceof TokenUsageEvent u) {
            return Optional.ofNullable(u.getOccurredAt());
        }
        if (value instanceof TokenLifecycleEvent l) {
            return Optional.ofNullable(l.getOccurredAt());
        }
        if (!(value instanceof SpecificRecord record)) {
            return Optional.empty();
        }
        Schema.Field field = record.getSchema().getField(FIELD);
        if (field == null) {
            return Optional.empty();
        }
        Object v = record.get(field.pos());
        if (v instanceof Instant instant) {
            return Optional.of(instant);
        }
        if (v instanceof Long millis) {
            return Optional.of(Instant.ofEpochMilli(millis));
        }
        return Optional.empty();
    }
}
