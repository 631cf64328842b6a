package io.tokenpulse.app.detect;

import io.tokenpulse.app.config.Detection;
import io.tokenpulse.app.metrics.MetricFacts;
import io.tokenpulse.app.time.EventIds;
import io.tokenpulse.app.time.InputEnds;
import io.tokenpulse.app.time.LateRecords;
import io.tokenpulse.app.time.Progress;
import io.tokenpulse.app.time.Promises;
import io.tokenpulse.app.time.ReorderBuffer;
import io.tokenpulse.app.time.TimeSources;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.VersionInput;
import io.tokenpulse.avro.state.VersionInputKind;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token task's time: records arrive in any order, are de-duplicated, relayed where they matter to other tasks
 * (see {@link Relay}), and held until the watermark passes them; then the {@link TokenJudge} judges them in
 * event-time order, with every deadline firing in between. The watermark is the minimum over the task's own
 * partitions and the promises of every task that sends it links (see {@link Progress}); the task promises in turn
 * what its own input has caused (links, bindings) and what it has judged (facts, to the reports). docs/TIME.md.
 *
 * <p>A record that arrives after the watermark passed its time is late: judged at once, at its own event time, after
 * what was already judged (a deadline that fired stays fired), and counted.
 */
public final class TokenProcessor implements Processor<String, TokenInput, String, TokenOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(TokenProcessor.class);
    static final String LIFECYCLE_SOURCE = "lifecycle";
    static final String USAGE_SOURCE = "usage";
    /** Watermarks go to the report processor each time the judged time enters a new minute. */
    private static final long REPORT_STEP = 60_000;
    /*
     * A backlog (a backfill held for the first idle.timeout, a task catching up, a hundred thousand tokens falling due
     * in one millisecond) is judged in slices between commits, never in one transaction longer than the transaction
     * timeout (10 s), whatever the backlog and however many tasks a thread has. A slice counts held records and
     * deadlines. A record judges a small slice (a thread processes many records between two commits), a catch-up
     * punctuation a bigger one (it runs once per task and loop). Bigger catch-up slices mean fewer commits per record
     * judged, and so fewer writes of each busy token's state (one per commit): 2,000 records per slice wrote a state
     * for most records judged in the benchmark's backlog.
     *
     * Time bounds them too: all the token tasks of a stream thread judge for at most catchUpBudgetNanos between two
     * commits, each call for at most its task's share of it. A count alone did not: Kafka Streams processes many
     * records per task between two commits once they come cheap (held ones do), and at a million tokens each of them
     * went on to judge its 256, for longer than the transaction timeout.
     */
    /** How many held records and deadlines a record judges at most (a test sets other sizes; see CatchUpSlicesTest). */
    static volatile int judgePerRecord = 256;
    /**
     * How many held records and deadlines a punctuation judges at most: enough that the time budget below is what ends a
     * thread's judging between two commits in a backlog. With 10,000 a loop over six tasks judged about 60,000 records
     * between two commits, and each commit wrote nearly every token's state again (a fifth of a 5M drain's judging).
     */
    static volatile int judgePerPunctuation = 100_000;
    /**
     * How long the token tasks of one stream thread judge for, together, between two commits (one second; a test
     * sets it to nothing to end slices early and show that where they end changes no output).
     */
    static volatile long catchUpBudgetNanos = Duration.ofSeconds(1).toNanos();
    /** How often a slice looks at the clock. */
    private static final int CLOCK_EVERY = 256;
    /** Token tasks on each stream thread: they share its budget. */
    private static final ThreadLocal<int[]> TASKS_ON_THREAD = ThreadLocal.withInitial(() -> new int[1]);
    /** Nanoseconds each stream thread's token tasks have judged for since its last commit. */
    private static final ThreadLocal<long[]> JUDGED_SINCE_COMMIT = ThreadLocal.withInitial(() -> new long[1]);
    /** How soon the next slice of a backlog follows while no record or tick comes. */
    private static final Duration CATCH_UP = Duration.ofMillis(1);
    private static final String JUDGED = "judged";

    private final Detection settings;
    private final TimeSources sources;
    private final Clock clock;
    private final LateRecords late;
    private final InputEnds ends;
    private final String lifecycleTopic;
    private final String usageTopic;

    private ProcessorContext<String, TokenOutput> context;
    private String self;
    private Progress progress;
    private ReorderBuffer<TokenInput> held;
    private EventIds eventIds;
    private Relay relay;
    private PolicyTimeline policies;
    private TokenJudge judge;
    private KeyValueStore<String, Long> progressStore;
    private final Promises ownPromises;
    private long judgedUpTo = Long.MIN_VALUE;
    private long reportedUpTo = Long.MIN_VALUE;
    private Cancellable catchingUp;
    /**
     * The record being processed, once it is due to be held: the drain that follows judges it in its place in the
     * judging order, exactly as if it were held (a record at or behind the watermark's cut is judged at once, without
     * being encoded, stored, read back and decoded); whatever the drain leaves is held after it.
     */
    private Arrival arrival;

    private record Arrival(Bytes key, long at, String tokenId, TokenInput input) {
    }

    public TokenProcessor(Detection settings, TimeSources sources, Clock clock, LateRecords late, InputEnds ends,
                          String lifecycleTopic, String usageTopic) {
        this.settings = settings;
        this.ends = ends;
        this.lifecycleTopic = lifecycleTopic;
        this.usageTopic = usageTopic;
        this.sources = sources;
        this.clock = clock;
        this.late = late;
        this.ownPromises = new Promises(settings);
    }

    @Override
    public void init(ProcessorContext<String, TokenOutput> context) {
        this.context = context;
        this.self = TimeSources.TOKEN + context.taskId().partition();
        long wall = context.currentSystemTimeMs();
        progressStore = context.getStateStore(DetectionTopology.PROGRESS_STORE);
        Long judged = progressStore.get(JUDGED);
        judgedUpTo = judged == null ? Long.MIN_VALUE : judged;
        int partition = context.taskId().partition();
        progress = new Progress(List.of(LIFECYCLE_SOURCE, USAGE_SOURCE), sources.ofTokenLinks(), settings, progressStore,
                Progress.Ends.of(ends, Map.of(LIFECYCLE_SOURCE, new TopicPartition(lifecycleTopic, partition),
                        USAGE_SOURCE, new TopicPartition(usageTopic, partition))), wall);
        held = new ReorderBuffer<>(context.getStateStore(DetectionTopology.HELD_STORE), HeldInput.CODEC);
        eventIds = new EventIds(context.getStateStore(DetectionTopology.EVENT_ID_STORE),
                context.getStateStore(DetectionTopology.EVENT_ID_INDEX_STORE), settings.dedupWindow().toMillis());
        eventIds.adopt(context.getStateStore(DetectionTopology.LEGACY_EVENT_ID_STORE));
        relay = new Relay(context.getStateStore(DetectionTopology.RELAY_STORE), context::forward);
        policies = new PolicyTimeline(context.getStateStore(DetectionTopology.POLICY_TIMELINE_STORE));
        judge = new TokenJudge(context.getStateStore(DetectionTopology.TOKEN_STORE),
                context.getStateStore(DetectionTopology.DUE_STORE), context.getStateStore(DetectionTopology.TENANT_INDEX_STORE),
                policies, clock, context::forward, judgedUpTo);
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::tick);
        arrival = null;
        TASKS_ON_THREAD.get()[0]++;
    }

    @Override
    public void close() {
        TASKS_ON_THREAD.get()[0]--;
    }

    @Override
    public void process(Record<String, TokenInput> record) {
        long wall = context.currentSystemTimeMs();
        String tokenId = record.key();
        TokenInput input = record.value();
        if (tokenId == null || input == null) {
            return; // validated upstream; a null key cannot address a token
        }
        if (input instanceof TokenInput.Link l && l.link().getKind() == LinkKind.WATERMARK) {
            TokenLink promise = l.link();
            if (progress.expects(promise.getSource())) {
                progress.onPromise(promise.getSource(), promise.getAt(), promise.getIdle(), wall);
            }
        } else if (input instanceof TokenInput.Link l && l.link().getKind() == LinkKind.POLICY) {
            onPolicy(l.link());
        } else if (input instanceof TokenInput.Link link) {
            hold(tokenId, input, link.link().getAt());
        } else {
            boolean lifecycle = input instanceof TokenInput.Lifecycle;
            String eventId = lifecycle ? ((TokenInput.Lifecycle) input).event().getEventId()
                    : ((TokenInput.Usage) input).event().getEventId();
            long at = record.timestamp();
            progress.onRecord(lifecycle ? LIFECYCLE_SOURCE : USAGE_SOURCE, at, wall);
            if (!eventIds.firstSight((lifecycle ? "l:" : "u:") + eventId, at)) {
                late.duplicate();
            } else {
                relay.onArrival(tokenId, input);
                hold(tokenId, input, at);
            }
        }
        try {
            advance(wall, false, judgePerRecord);
        } finally {
            // Held even when judging an earlier record failed, as it was when records were held before the drain.
            if (arrival != null) {
                held.add(arrival.key(), arrival.input());
                arrival = null;
            }
        }
    }

    private void tick(long wall) {
        advance(wall, true, judgePerPunctuation);
    }

    private void hold(String tokenId, TokenInput input, long at) {
        if (at <= judgedUpTo) {
            late.late();

            LOG.debug("late record for {} at {}, judged up to {}", tokenId, at, judgedUpTo);
            judge.judgingLate(true);
            judge.apply(tokenId, input);
            judge.judgingLate(false);
            context.forward(new Record<>(tenantOf(input), new TokenOutput.Fact(MetricFacts.late(tenantOf(input), at)), at));
            return;
        }
        var key = ReorderBuffer.keyOf(at, HeldInput.rank(input), HeldInput.id(tokenId, input));
        // The token as a held record gives it back (tokenOf), so both ways judge the very same id.
        arrival = new Arrival(key, at, tokenOf(key.get()), input);
    }

    private static String tenantOf(TokenInput input) {
        if (input instanceof TokenInput.Lifecycle l) {
            return l.event().getTenant();
        }
        if (input instanceof TokenInput.Usage u) {
            return u.event().getTenant();
        }
        return ((TokenInput.Link) input).link().getTenant();
    }

    /** Promises what the own input caused, judges what the watermark released, promises what was judged. */
    private void advance(long wall, boolean heartbeat, int slice) {
        long own = progress.own(wall);
        boolean ownIdle = progress.ownIdle(wall);
        if (ownPromises.due(own, ownIdle, wall, heartbeat)) {
            promiseOwn(own, ownIdle);
        }
        long w = progress.watermark(wall);
        if (w > judgedUpTo) {
            boolean done = judgeUpTo(w, slice);
            if (!done && catchingUp == null) {
                catchingUp = context.schedule(CATCH_UP, PunctuationType.WALL_CLOCK_TIME, now -> advance(now, false, judgePerPunctuation));
            } else if (done && catchingUp != null) {
                catchingUp.cancel();
                catchingUp = null;
            }
        }
        if (judgedUpTo != Long.MIN_VALUE && (reportedUpTo == Long.MIN_VALUE
                || Math.floorDiv(judgedUpTo, REPORT_STEP) > Math.floorDiv(reportedUpTo, REPORT_STEP) || heartbeat)) {
            reportedUpTo = judgedUpTo;
            var f = MetricFacts.watermark(context.taskId().partition(), judgedUpTo);
            context.forward(new Record<>(f.getTenant(), new TokenOutput.Fact(f), judgedUpTo));
        }
    }

    /**
     * Judges what is held up to {@code w}, with the deadlines in between, or, past {@code slice} records and deadlines,
     * up to the end of the millisecond it got to (or, amid the deadlines of one millisecond, up to the one it got to):
     * the same sequence as one judging to {@code w}, as if the watermark had stopped there on its way (the judge never
     * sees where a slice ends). True when it got to {@code w}.
     */
    private boolean judgeUpTo(long w, int slice) {
        long[] spent = JUDGED_SINCE_COMMIT.get();
        long started = System.nanoTime();
        if (spent[0] > 0 && spent[0] >= catchUpBudgetNanos) {
            return false; // the thread's judging time is used up until it commits
        }
        long deadline = started + Math.min(catchUpBudgetNanos - spent[0], catchUpBudgetNanos / Math.max(1, TASKS_ON_THREAD.get()[0]));
        try {
            return judgeUpTo(w, slice, deadline);
        } finally {
            spent[0] += Math.max(1, System.nanoTime() - started);
        }
    }

    /** {@link #judgeUpTo(long, int)} until the clock passes {@code deadline}, looked at every {@link #CLOCK_EVERY}. */
    private boolean judgeUpTo(long w, int slice, long deadline) {
        int judged = 0;
        long firedBefore = judge.fired();
        long last = Long.MIN_VALUE;
        int limit = slice;
        for (Bytes next = held.first(w); next != null; next = held.first(w)) {
            boolean arrivalFirst = arrival != null && arrival.key().compareTo(next) < 0;
            long at = arrivalFirst ? arrival.at() : ReorderBuffer.timeOf(next);
            int work = judged + (int) (judge.fired() - firedBefore);
            if (work >= limit && at > last) {
                judgedTo(last);
                return false;
            }
            if (judged > 0 && judged % CLOCK_EVERY == 0 && System.nanoTime() > deadline) {
                limit = work; // out of time: the slice ends with this millisecond
            }
            if (!judge.fireDue(at, Math.max(0, limit - work))) {
                judgedTo(judge.firedUpTo());
                return false;
            }
            if (arrivalFirst) {
                judgeArrival();
            } else {
                TokenInput input = held.takeFirst();
                judge.apply(tokenOf(next.get()), input);
            }
            judged++;
            last = at;
        }
        if (arrival != null && arrival.at() <= w) {
            int work = judged + (int) (judge.fired() - firedBefore);
            if (work >= limit && arrival.at() > last) {
                judgedTo(last);
                return false;
            }
            if (!judge.fireDue(arrival.at(), Math.max(0, limit - work))) {
                judgedTo(judge.firedUpTo());
                return false;
            }
            judgeArrival();
            judged++;
        }
        int work = judged + (int) (judge.fired() - firedBefore);
        if (!judge.fireDue(w, Math.max(0, limit - work))) {
            judgedTo(judge.firedUpTo());
            return false;
        }
        judgedTo(w);
        return true;
    }

    /** The stream thread commits (its token tasks' stores are flushed): its judging time starts again. */
    static void committing() {
        JUDGED_SINCE_COMMIT.get()[0] = 0;
    }

    /** Judges the arrival; it is gone first, as a held record is removed before it is judged. */
    private void judgeArrival() {
        Arrival a = arrival;
        arrival = null;
        judge.apply(a.tokenId(), a.input());
    }

    /** Everything up to {@code w} is judged: the held records up to it, and (the judge has fired them) its deadlines. */
    private void judgedTo(long w) {
        judgedUpTo = w;
        progressStore.put(JUDGED, w);
    }

    private static String tokenOf(byte[] k) {
        int start = Long.BYTES + 1;
        int end = start;
        while (end < k.length && k[end] != 0) {
            end++;
        }
        return new String(k, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void promiseOwn(long at, boolean idle) {
        TokenLink link = TokenLink.newBuilder().setKind(LinkKind.WATERMARK).setTenant("").setAt(at).setEventId("")
                .setSource(self).setIdle(idle).build();
        context.forward(new Record<>(self, new TokenOutput.Link(self, link), Math.max(0, at)));
        VersionInput binding = VersionInput.newBuilder().setKind(VersionInputKind.WATERMARK).setAt(at).setSource(self)
                .setIdle(idle).build();
        context.forward(new Record<>(self, new TokenOutput.Binding(self, binding), Math.max(0, at)));
    }

    private void onPolicy(TokenLink link) {
        if (link.getPolicy() == null) {
            if (policies.clear(link.getTenant()) && judgedUpTo != Long.MIN_VALUE) {
                judge.policyChanged(link.getTenant(), judgedUpTo);
            }
            return;
        }
        ByteBuffer b = link.getPolicy().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        TokenPolicy policy = AvroBinary.decode(bytes, TokenPolicy.class);
        if (policies.add(policy) && judgedUpTo != Long.MIN_VALUE) {
            judge.policyChanged(policy.getTenant(), judgedUpTo);
        }
    }
}
