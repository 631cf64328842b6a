package io.tokenpulse.app.time;

import io.tokenpulse.app.config.Detection;

/**
 * When a task sends its time promise: whenever it moved (or its idleness changed), at most once per
 * {@code promiseInterval} of wall-clock time while busy, and at every tick even if nothing changed, so a receiver that
 * just started hears from every source within one tick.
 */
public final class Promises {
    private final long everyMs;
    private long sent = Long.MIN_VALUE;
    private boolean sentIdle;
    private long sentWall = Long.MIN_VALUE;

    public Promises(Detection settings) {
        this.everyMs = settings.promiseInterval().toMillis();
    }

    /** Whether to send {@code at}/{@code idle} now; {@code heartbeat} at ticks. Records the send when true. */
    public boolean due(long at, boolean idle, long wallNow, boolean heartbeat) {
        boolean changed = sentWall == Long.MIN_VALUE || at > sent || idle != sentIdle;
        boolean now = heartbeat || (changed && (everyMs == 0 || wallNow - sentWall >= everyMs));
        if (now) {
            sent = Math.max(sent, at);
            sentIdle = idle;
            sentWall = wallNow;
        }
        return now;
    }
}
