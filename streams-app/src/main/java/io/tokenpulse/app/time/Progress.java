package io.tokenpulse.app.time;

import io.tokenpulse.app.config.Detection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's watermark, as Flink and Dataflow keep it: the minimum over every source of records it reads, each source
 * being one of its own input partitions (progress = greatest event time seen there, less {@code lateness}) or another
 * task whose facts it receives (progress = that task's last promise, carried in the stream as a WATERMARK record).
 * "No record earlier than the watermark can still arrive, within the contract."
 *
 * <p><b>Idleness.</b> An own partition with no record for {@code idleTimeout} of wall-clock time, and known to be read
 * to its end for all that time ({@link InputEnds}), is idle; so is a task that says so in its promise (its own
 * partitions are idle). Silence alone is not enough: a partition whose records wait unread behind a busy or stalled
 * thread is quiet only from where the task sits. Idle sources do not hold the watermark back. When
 * every source is idle the input is live and quiet: the watermark is the furthest event time seen plus the wall-clock
 * time since it arrived. A task that never said anything is not idle: it blocks, because it may be
 * a task that has not started yet, or one that crashed with records still to read.
 *
 * <p>Some producers only hold time back, never carry it forward (see {@link TimeSources#capsOnly}): their promise
 * caps the watermark while they are active and counts for nothing once they are idle.
 *
 * <p>The watermark never goes back. Progress is kept in a store, so a restarted task resumes where it was; the
 * wall-clock parts (when a source was last heard) start afresh, so no source is idle right after a restart.
 */
public final class Progress {
    private static final String OWN = "own:";
    private static final String PROMISE = "promise:";
    /** The key of the task's watermark in its progress store (the query API reads a version task's). */
    public static final String WATERMARK = "watermark";
    private static final String OWN_WATERMARK = "own-watermark";

    private final List<String> ownSources;
    private final Set<String> producers;
    private final Set<String> caps;
    private final long latenessMs;
    private final long idleMs;
    private final KeyValueStore<String, Long> store;
    private final Ends ends;
    private final long startedWall;

    private final Map<String, Long> maxSeen = new HashMap<>();
    private final Map<String, Long> lastArrival = new HashMap<>();
    private final Map<String, Long> promised = new HashMap<>();
    private final Map<String, Boolean> producerIdle = new HashMap<>();
    /** Wall time at which the input last came back from being all quiet (or the task started). */
    private long resumedWall;
    /** Wall time of the last own record or producer coming back: while recent, the input is not quiet. */
    private long lastActivity = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long ownWatermark = Long.MIN_VALUE;
    /**
     * The producers' part of the watermark, as of the last promise: it changes only with a promise or with the grace
     * period ending, yet the watermark is asked for at every record (a walk of every producer per record was 5% of a
     * backlog's stream thread).
     */
    private final Sum producersPart = new Sum();
    private long capsPart = Long.MAX_VALUE;
    private boolean producersChanged = true;
    private boolean producersGrace;

    /**
     * @param ownSources the task's own input partitions by name (one per source topic: a task reads one partition of
     *                   each)
     * @param producers  the tasks whose promises this task waits for
     * @param store      where progress survives a restart; null keeps it in memory only
     */
    public Progress(List<String> ownSources, Set<String> producers, Detection settings,
                    KeyValueStore<String, Long> store, long wallNow) {
        this(ownSources, producers, settings, store, Ends.ALWAYS, wallNow);
    }

    /**
     * @param ends whether an own source was known to be read to its end and silent (see {@link InputEnds})
     */
    public Progress(List<String> ownSources, Set<String> producers, Detection settings,
                    KeyValueStore<String, Long> store, Ends ends, long wallNow) {
        this.ends = ends;
        this.ownSources = List.copyOf(ownSources);
        this.producers = Set.copyOf(producers);
        this.caps = producers.stream().filter(TimeSources::capsOnly).collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.latenessMs = settings.lateness().toMillis();
        this.idleMs = settings.idleTimeout().toMillis();
        this.store = store;
        this.startedWall = wallNow;
        this.resumedWall = wallNow;
        if (store != null) {
            try (KeyValueIterator<String, Long> it = store.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.key.startsWith(OWN)) {
                        maxSeen.put(kv.key.substring(OWN.length()), kv.value);
                    } else if (kv.key.startsWith(PROMISE)) {
                        promised.put(kv.key.substring(PROMISE.length()), kv.value);
                    } else if (kv.key.equals(WATERMARK)) {
                        watermark = kv.value;
                    } else if (kv.key.equals(OWN_WATERMARK)) {
                        ownWatermark = kv.value;
                    }
                });
            }
        }
    }

    /** A record of event time {@code eventTime} arrived on own partition {@code source}. */
    public void onRecord(String source, long eventTime, long wallNow) {
        resumeIfQuiet(wallNow);
        lastArrival.put(source, wallNow);
        Long seen = maxSeen.get(source);
        if (seen == null || eventTime > seen) {
            maxSeen.put(source, eventTime);
            persist(OWN + source, eventTime);
        }
    }

    /** Task {@code producer} promised that nothing it sends later is earlier than {@code at}. */
    public void onPromise(String producer, long at, boolean idle, long wallNow) {
        if (!idle && Boolean.TRUE.equals(producerIdle.get(producer))) {
            resumeIfQuiet(wallNow); // that task's input came back: ours may be about to, too
        }
        producerIdle.put(producer, idle);
        producersChanged = true;
        Long before = promised.get(producer);
        if (before == null || at > before) {
            promised.put(producer, at);
            persist(PROMISE + producer, at);
        }
    }

    /** Whether {@code producer} is one this task waits for (a promise from an unknown task is ignored). */
    public boolean expects(String producer) {
        return producers.contains(producer);
    }

    /** The watermark of the own partitions alone: what this task may promise about what its own input causes. */
    public long own(long wallNow) {
        Sum s = new Sum();
        addOwn(s, wallNow);
        long w = s.value();
        if (w > ownWatermark) {
            ownWatermark = w;
            persist(OWN_WATERMARK, w);
        }
        return ownWatermark;
    }

    /** Whether every own partition is idle. */
    public boolean ownIdle(long wallNow) {
        Sum s = new Sum();
        addOwn(s, wallNow);
        return !s.anyActive;
    }

    /** The watermark over own partitions and every producer. */
    public long watermark(long wallNow) {
        Sum s = new Sum();
        addOwn(s, wallNow);
        boolean grace = inGrace(wallNow);
        if (producersChanged || grace != producersGrace) {
            sumProducers(grace);
        }
        s.add(producersPart);
        long w = Math.min(s.value(), capsPart);
        if (w > watermark) {
            watermark = w;
            persist(WATERMARK, w);
        }
        return watermark;
    }

    /** Sums up the producers' promises: the active ones' minimum, the idle ones' maximum, and the caps. */
    private void sumProducers(boolean grace) {
        producersPart.clear();
        for (String p : producers) {
            if (caps.contains(p)) {
                continue;
            }
            Long w = promised.get(p);
            if (w == null) {
                producersPart.active(Long.MIN_VALUE); // never heard from: it may still send anything
            } else if (Boolean.TRUE.equals(producerIdle.get(p)) && !grace) {
                producersPart.idle(w);
            } else {
                producersPart.active(w);
            }
        }
        capsPart = Long.MAX_VALUE;
        for (String p : caps) {
            Long c = promised.get(p);
            if (c == null) {
                capsPart = Long.MIN_VALUE;
            } else if (!Boolean.TRUE.equals(producerIdle.get(p))) {
                capsPart = Math.min(capsPart, c);
            }
        }
        producersGrace = grace;
        producersChanged = false;
    }

    /** Whether every source (own partitions and producers) is idle. */
    public boolean idle(long wallNow) {
        Sum s = new Sum();
        addOwn(s, wallNow);
        for (String p : producers) {
            if (inGrace(wallNow) || !Boolean.TRUE.equals(producerIdle.get(p)) || !promised.containsKey(p)) {
                s.active(Long.MIN_VALUE);
            }
        }
        return !s.anyActive;
    }

    /**
     * When input comes back after everything was quiet (a backfill starting, a live burst), every source gets a fresh
     * {@code idleTimeout} to show up before it counts as idle again: the partitions of one backfill start within
     * moments of each other, and the first to be read must not carry time past the others.
     */
    private void resumeIfQuiet(long wallNow) {
        boolean quiet = lastActivity == Long.MIN_VALUE || wallNow - lastActivity >= idleMs;
        if (quiet && wallNow - resumedWall >= idleMs) {
            resumedWall = wallNow;
        }
        lastActivity = wallNow;
    }

    /** Within {@code idleTimeout} of the input coming back, nothing is idle. */
    private boolean inGrace(long wallNow) {
        return wallNow - resumedWall < idleMs;
    }

    private void addOwn(Sum s, long wallNow) {
        boolean grace = inGrace(wallNow);
        for (String source : ownSources) {
            long last = lastArrival.getOrDefault(source, startedWall);
            Long seen = maxSeen.get(source);
            if (grace || wallNow - last < idleMs || !ends.quietFor(source, last, idleMs)) {
                s.active(seen == null || seen < Long.MIN_VALUE + latenessMs ? Long.MIN_VALUE : seen - latenessMs);
            } else if (seen != null) {
                // Quiet: everything it sent is released, and event time is where it was at its last record plus the
                // wall-clock time since (a live source's event time tracks the wall clock).
                s.idle(seen == Long.MIN_VALUE ? seen : seen + Math.max(0, wallNow - last));
            }
        }
    }

    private void persist(String key, long value) {
        if (store != null) {
            store.put(key, value);
        }
    }

    /** Whether an own source was known, at its consumer's last check, to be read to its end and silent for a time. */
    @FunctionalInterface
    public interface Ends {
        /** Every source counts as read to its end (records are handed over as they are read, as the test driver does). */
        Ends ALWAYS = (source, lastArrival, forMs) -> true;

        boolean quietFor(String source, long lastArrival, long forMs);

        /** The ends of a task's own partitions, by source name, as this instance's consumers report them. */
        static Ends of(InputEnds inputEnds, Map<String, TopicPartition> partitions) {
            Map<String, TopicPartition> copy = Map.copyOf(partitions);
            return (source, lastArrival, forMs) -> {
                TopicPartition tp = copy.get(source);
                return tp == null || inputEnds.quietFor(tp, lastArrival, forMs);
            };
        }
    }

    /** Minimum over active sources; when none is active, the furthest idle one. */
    private static final class Sum {
        private long min = Long.MAX_VALUE;
        private long idleMax = Long.MIN_VALUE;
        private boolean anyActive;

        void active(long w) {
            anyActive = true;
            min = Math.min(min, w);
        }

        void idle(long w) {
            idleMax = Math.max(idleMax, w);
        }

        /** Takes in the sources another sum has seen. */
        void add(Sum other) {
            anyActive |= other.anyActive;
            min = Math.min(min, other.min);
            idleMax = Math.max(idleMax, other.idleMax);
        }

        void clear() {
            min = Long.MAX_VALUE;
            idleMax = Long.MIN_VALUE;
            anyActive = false;
        }

        long value() {
            return anyActive ? min : idleMax;
        }
    }
}
