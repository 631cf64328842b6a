package io.tokenpulse.app.detect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Event time across the tasks of one app instance. Kafka Streams keeps stream time per task, so a token on
 * a quiet partition would never reach its deadlines while the others move on. A task that has been idle (no
 * records: it has consumed everything it was given) adopts the furthest stream time of the instance, and
 * when the whole instance is idle, event time moves on from there at wall-clock speed. A busy task (a
 * replay) is driven by its own stream time alone, so replay and live agree.
 */
public final class EventClock {
    private final AtomicLong maxStreamTime = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastRecordWall = new AtomicLong(Long.MIN_VALUE);

    /** A task processed a record at {@code wall} and its stream time is now {@code streamTime}. */
    public void observe(long streamTime, long wall) {
        maxStreamTime.accumulateAndGet(streamTime, Math::max);
        lastRecordWall.accumulateAndGet(wall, Math::max);
    }

    /**
     * The event time an idle task may assume at {@code wallNow}: the instance's furthest stream time, plus
     * the wall-clock time since its last record once the whole instance has been idle for {@code idleAfterMs}.
     * {@link Long#MIN_VALUE} while nothing was observed.
     */
    /**
     * What an idle task may promise the reports (a watermark) at {@code wallNow}: {@link #idleTime} once the whole
     * instance has been idle for {@code idleAfterMs} (everything it was given is consumed). While other tasks of the
     * instance are busy, only if they are processing live traffic (within {@code idleAfterMs} of the wall clock): then
     * the wall clock less {@code idleAfterMs}. During a replay, nothing: a task that merely has not been fetched yet
     * must not close windows on its own data. {@link Long#MIN_VALUE} for nothing.
     */
    public long safeIdleWatermark(long wallNow, long idleAfterMs) {
        long max = maxStreamTime.get();
        long last = lastRecordWall.get();
        if (max == Long.MIN_VALUE || last == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (wallNow - last >= idleAfterMs) {
            return idleTime(wallNow, idleAfterMs);
        }
        return max >= wallNow - 2 * idleAfterMs ? Math.min(max, wallNow - idleAfterMs) : Long.MIN_VALUE;
    }

    public boolean observedAny() {
        return maxStreamTime.get() != Long.MIN_VALUE;
    }

    public long idleTime(long wallNow, long idleAfterMs) {
        long max = maxStreamTime.get();
        long last = lastRecordWall.get();
        if (max == Long.MIN_VALUE || last == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long instanceIdle = wallNow - last;
        return instanceIdle >= idleAfterMs ? max + instanceIdle : max;
    }
}
