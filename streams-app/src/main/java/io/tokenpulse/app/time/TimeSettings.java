package io.tokenpulse.app.time;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of event time (docs/TIME.md).
 *
 * @param lateness      how far a record may trail the event time already seen on its partition and still be judged
 *                      exactly as if it had come in order
 * @param idleTimeout   wall-clock silence after which a source is idle: it no longer holds event time back, and when
 *                      every source is idle event time follows the wall clock
 * @param dedupWindow   event time over which a redelivered eventId changes nothing
 * @param tick          how often a task looks at the wall clock (idleness, pending promises)
 * @param promiseEvery  the least wall-clock time between two time promises a task sends the others while busy (the
 *                      promise is sent at the next record or tick after that); zero sends one at every advance
 */
public record TimeSettings(Duration lateness, Duration idleTimeout, Duration dedupWindow, Duration tick,
                           Duration promiseEvery) {
    public static final TimeSettings DEFAULTS = new TimeSettings(Duration.ofMinutes(1), Duration.ofSeconds(30),
            Duration.ofDays(7), Duration.ofSeconds(1), Duration.ofMillis(200));

    public TimeSettings {
        Objects.requireNonNull(lateness, "lateness");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(dedupWindow, "dedupWindow");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(promiseEvery, "promiseEvery");
        if (lateness.isNegative() || idleTimeout.isNegative() || promiseEvery.isNegative()) {
            throw new IllegalArgumentException("lateness, idleTimeout and promiseEvery must not be negative");
        }
        if (dedupWindow.isNegative() || dedupWindow.isZero() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("dedupWindow and tick must be positive");
        }
    }
}
