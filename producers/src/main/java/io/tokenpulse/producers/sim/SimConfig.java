package io.tokenpulse.producers.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * What to simulate: {@code tokens} initial tokens spread over {@code tenants}, for {@code days} days of event time
 * from {@code start}. Same config, same events and truth, byte for byte.
 *
 * @param start a fixed default (not "now"), so that a seed alone determines the output
 */
public record SimConfig(int tenants, int tokens, int days, long seed, Instant start) {
    /** Shortest run in which every story fits: a 3-day unused window, a 2-day warning and the 1-day margins around them. */
    public static final int MIN_DAYS = 8;
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    static final long DAY = 86_400_000L;
    static final long HOUR = 3_600_000L;
    static final long MINUTE = 60_000L;

    public SimConfig {
        Objects.requireNonNull(start, "start");
        if (tenants < 1 || tenants > 99) {
            throw new IllegalArgumentException("tenants must be between 1 and 99, got " + tenants);
        }
        if (tokens < tenants * 10) {
            throw new IllegalArgumentException("tokens must be at least 10 per tenant (" + tenants * 10 + "), got " + tokens);
        }
        if (days < MIN_DAYS) {
            throw new IllegalArgumentException("days must be at least " + MIN_DAYS + " (the scaled policy's windows must fit), got " + days);
        }
        if (start.toEpochMilli() % DAY != 0) {
            throw new IllegalArgumentException("start must be midnight UTC (the day chunks are UTC days), got " + start);
        }
    }

    public SimConfig(int tenants, int tokens, int days, long seed) {
        this(tenants, tokens, days, seed, DEFAULT_START);
    }

    public long startMs() {
        return start.toEpochMilli();
    }

    /** Exclusive end of simulated time. */
    public long endMs() {
        return startMs() + days * DAY;
    }

    /**
     * The truth covers conditions up to here: the last simulated day is a margin in which no designed deadline
     * falls, so the pipeline (whose event time stops at the last event) and the truth agree on what happened.
     */
    public long truthUntilMs() {
        return endMs() - DAY;
    }
}
