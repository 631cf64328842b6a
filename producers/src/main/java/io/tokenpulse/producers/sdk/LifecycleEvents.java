package io.tokenpulse.producers.sdk;

import io.tokenpulse.avro.TokenLifecycleEvent;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Builders for {@link TokenLifecycleEvent} with eventId (random UUID) and occurredAt (now) preset. */
public final class LifecycleEvents {
    private LifecycleEvents() {
    }

    public static TokenLifecycleEvent.Builder builder() {
        return builder(Clock.systemUTC());
    }

    /** Millisecond precision: the Avro field is timestamp-millis, so the record equals what a reader decodes. */
    public static TokenLifecycleEvent.Builder builder(Clock clock) {
        return TokenLifecycleEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }
}
