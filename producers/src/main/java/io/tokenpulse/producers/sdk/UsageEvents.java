package io.tokenpulse.producers.sdk;

import io.tokenpulse.avro.TokenUsageEvent;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Builders for {@link TokenUsageEvent} with eventId (random UUID), occurredAt (now) and count (1) preset. */
public final class UsageEvents {
    private UsageEvents() {
    }

    public static TokenUsageEvent.Builder builder() {
        return builder(Clock.systemUTC());
    }

    /** Millisecond precision: the Avro field is timestamp-millis, so the record equals what a reader decodes. */
    public static TokenUsageEvent.Builder builder(Clock clock) {
        return TokenUsageEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setCount(1);
    }
}
