package io.tokenpulse.producers.sdk;

import io.tokenpulse.avro.ServiceDeploymentEvent;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Builders for {@link ServiceDeploymentEvent} with eventId (random UUID) and occurredAt (now) preset. */
public final class DeploymentEvents {
    private DeploymentEvents() {
    }

    public static ServiceDeploymentEvent.Builder builder() {
        return builder(Clock.systemUTC());
    }

    /** Millisecond precision: the Avro field is timestamp-millis, so the record equals what a reader decodes. */
    public static ServiceDeploymentEvent.Builder builder(Clock clock) {
        return ServiceDeploymentEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }
}
