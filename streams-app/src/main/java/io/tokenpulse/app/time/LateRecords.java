package io.tokenpulse.app.time;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts for the app's metrics (never for its answers): records judged late, and copies of an eventId already seen.
 * One per app instance, shared by its tasks.
 */
public final class LateRecords {
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    public void late() {
        late.incrementAndGet();
    }

    public void duplicate() {
        duplicates.incrementAndGet();
    }

    public long lateCount() {
        return late.get();
    }

    public long duplicateCount() {
        return duplicates.get();
    }
}
