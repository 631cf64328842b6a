package io.tokenpulse.app.metrics;

import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.state.DurationSummary;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.ReportCursor;
import io.tokenpulse.avro.state.ReportWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Posture reports per tenant and per tenant+owner, HOURLY and DAILY (UTC-aligned), each emitted once when its
 * window closes. Keyed by tenant (one tenant's facts all come here).
 *
 * <p><b>Time.</b> A window closes when every token task that sends facts has moved past its end plus the grace:
 * the report processor's time is the smallest watermark of its sources, not the largest fact seen, so a fast
 * partition of a replay cannot close a window on a slower one and a replay reports what live traffic does.
 *
 * <p><b>Gauges</b> are the state at the window's end (changes at exactly the end included): the count at the
 * end of the last closed hour plus the changes inside the window. <b>Flows</b> count what happened in
 * [start, end). A fact for a window that already closed (input later than the grace) is never dropped: a gauge
 * change is added to the running gauges, and every such fact counts in {@code lateEvents} of the next report
 * of that granularity.
 *
 * <p>A tenant or owner with no active token and nothing happening gets no report for that window.
 */
public final class ReportProcessor implements Processor<String, MetricFact, String, PostureReport> {
    static final long HOUR = Duration.ofHours(1).toMillis();
    static final long DAY = Duration.ofDays(1).toMillis();
    private static final char SEP = '\u0000';
    /**
     * Where a cursor made before the report processor has a time starts: earlier than any fact, on a day boundary.
     * Its first closing pass skips the quiet windows up to its first window with facts, so the facts that reach it
     * before any watermark all land in their own windows, whatever the order they arrived in.
     */
    public static final long NOT_STARTED = Math.floorDiv(Long.MIN_VALUE / 4, DAY) * DAY;

    private final long graceMs;
    private final io.tokenpulse.app.time.TimeSources sources;
    private ProcessorContext<String, PostureReport> context;
    private KeyValueStore<String, ReportCursor> cursors;
    private KeyValueStore<String, ReportWindow> windows;
    private KeyValueStore<String, Long> clock;
    private KeyValueStore<String, PostureReport> latest;
    /** The reports one closing wrote, forwarded once it is done (see closeAll). */
    private final List<Closed> closed = new ArrayList<>();
    /** The entity being closed, by its place in the store's order. */
    private int closingEntity;

    private record Closed(long end, int entity, Record<String, PostureReport> report) {
    }

    /** Latest watermark per source task (the store's content, cached). */
    private final Map<String, Long> watermarks = new HashMap<>();
    private long now = Long.MIN_VALUE;
    /** Start of the first hourly window that is not closable at {@link #now}, as of the last closing pass. */
    private long closedBefore = Long.MIN_VALUE;

    /** {@code sources}: how many token tasks send watermarks (each must have sent one before time moves). */
    public ReportProcessor(Duration grace, io.tokenpulse.app.time.TimeSources sources) {
        this.graceMs = grace.toMillis();
        this.sources = sources;
    }

    @Override
    public void init(ProcessorContext<String, PostureReport> context) {
        this.context = context;
        this.cursors = context.getStateStore(ReportTopology.CURSOR_STORE);
        this.windows = context.getStateStore(ReportTopology.WINDOW_STORE);
        this.clock = context.getStateStore(ReportTopology.CLOCK_STORE);
        this.latest = context.getStateStore(ReportTopology.LATEST_STORE);
        try (KeyValueIterator<String, Long> it = clock.all()) {
            it.forEachRemaining(kv -> watermarks.put(kv.key, kv.value));
        }
        now = minWatermark();
        closedBefore = now == Long.MIN_VALUE ? Long.MIN_VALUE : firstOpen(now, HOUR);
    }

    @Override
    public void process(Record<String, MetricFact> record) {
        MetricFact f = record.value();
        if (f == null) {
            return;
        }
        if (f.getKind() == FactKind.WATERMARK) {
            onWatermark(Integer.toString(f.getSource()), f.getAt());
            return;
        }
        apply(f);
    }

    // ---- time -----------------------------------------------------------------------------------

    private void onWatermark(String source, long at) {
        Long previous = watermarks.get(source);
        if (previous != null && previous >= at) {
            return;
        }
        watermarks.put(source, at);
        clock.put(source, at);
        long t = minWatermark();
        if (t <= now) {
            return;
        }
        now = t;
        long open = firstOpen(now, HOUR);
        if (open > closedBefore) {
            closedBefore = open;
            closeAll();
        }
    }

    /** The slowest token task's time; none until every token task has sent a watermark. */
    private long minWatermark() {
        if (watermarks.size() < sources.tokenPartitions()) {
            return Long.MIN_VALUE;
        }
        return watermarks.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
    }

    /** Start of the first window of {@code length} that is still open at {@code t}. */
    private long firstOpen(long t, long length) {
        return Math.floorDiv(t - graceMs, length) * length;
    }

    private boolean closable(long start, long length) {
        return now != Long.MIN_VALUE && start + length + graceMs <= now;
    }

    // ---- facts ----------------------------------------------------------------------------------

    private void apply(MetricFact f) {
        String tenant = f.getTenant();
        String owner = f.getOwner();
        if (f.getKind() == FactKind.GAUGES) {
            long[] tenantDelta = new long[PostureFlags.COUNT];
            add(tenantDelta, f.getFlags(), 1);
            add(tenantDelta, f.getPreviousFlags(), -1);
            applyTo(tenant, null, f, tenantDelta);
            String previousOwner = f.getPreviousOwner();
            if (previousOwner != null && previousOwner.equals(owner)) {
                applyTo(tenant, owner, f, tenantDelta);
                return;
            }
            if (previousOwner != null && f.getPreviousFlags() != 0) {
                long[] out = new long[PostureFlags.COUNT];
                add(out, f.getPreviousFlags(), -1);
                applyTo(tenant, previousOwner, f, out);
            }
            if (owner != null && f.getFlags() != 0) {
                long[] in = new long[PostureFlags.COUNT];
                add(in, f.getFlags(), 1);
                applyTo(tenant, owner, f, in);
            }
            return;
        }
        applyTo(tenant, null, f, null);
        if (owner != null) {
            applyTo(tenant, owner, f, null);
        }
    }

    private static void add(long[] delta, int flags, int sign) {
        for (int g = 0; g < PostureFlags.COUNT; g++) {
            if (PostureFlags.has(flags, g)) {
                delta[g] += sign;
            }
        }
    }

    private void applyTo(String tenant, String owner, MetricFact f, long[] gaugeDelta) {
        String entity = entityKey(tenant, owner);
        ReportCursor c = mutable(cursors.get(entity));
        if (c == null) {
            // Reports start with the first window still open. Before any watermark nothing has closed and facts from
            // different token tasks race, so none of them may decide where reports start: every window is open.
            c = ReportCursor.newBuilder().setTenant(tenant).setOwner(owner).setGauges(zeros())
                    .setOpenHours(new ArrayList<>()).setOpenDays(new ArrayList<>())
                    .setNextHour(now == Long.MIN_VALUE ? NOT_STARTED : firstOpen(now, HOUR))
                    .setNextDay(now == Long.MIN_VALUE ? NOT_STARTED : firstOpen(now, DAY)).build();
        }
        long at = f.getAt();
        if (gaugeDelta != null) {
            // A change at exactly a window's end is part of the state at that end.
            long hour = Math.floorDiv(at - 1, HOUR) * HOUR;
            if (hour < c.getNextHour()) {
                addInto(c.getGauges(), gaugeDelta);
                if (!f.getLate()) {
                    c.setLateHourly(c.getLateHourly() + 1);
                    if (Math.floorDiv(at - 1, DAY) * DAY < c.getNextDay()) {
                        c.setLateDaily(c.getLateDaily() + 1);
                    }
                }
            } else {
                ReportWindow w = window(entity, Granularity.HOURLY, hour, c);
                if (w.getGaugeDelta().isEmpty()) {
                    w.setGaugeDelta(zeros());
                }
                addInto(w.getGaugeDelta(), gaugeDelta);
                windows.put(windowKey(entity, Granularity.HOURLY, hour), w);
            }
            cursors.put(entity, c);
            return;
        }
        if (f.getKind() == FactKind.LATE_INPUT) {
            // A record judged late counts once, in each report whose window for its time has closed already.
            if (Math.floorDiv(at, HOUR) * HOUR < c.getNextHour()) {
                c.setLateHourly(c.getLateHourly() + 1);
            }
            if (Math.floorDiv(at, DAY) * DAY < c.getNextDay()) {
                c.setLateDaily(c.getLateDaily() + 1);
            }
            cursors.put(entity, c);
            return;
        }
        if (!addFlow(entity, c, Granularity.HOURLY, f) && !f.getLate()) {
            c.setLateHourly(c.getLateHourly() + 1);
        }
        if (!addFlow(entity, c, Granularity.DAILY, f) && !f.getLate()) {
            c.setLateDaily(c.getLateDaily() + 1);
        }
        cursors.put(entity, c);
    }

    /** Adds a flow to its window of granularity {@code g}; false when that window has closed already. */
    private boolean addFlow(String entity, ReportCursor c, Granularity g, MetricFact f) {
        long length = g == Granularity.HOURLY ? HOUR : DAY;
        long start = Math.floorDiv(f.getAt(), length) * length;
        if (start < (g == Granularity.HOURLY ? c.getNextHour() : c.getNextDay())) {
            return false;
        }
        ReportWindow w = window(entity, g, start, c);
        addFlow(w, f);
        windows.put(windowKey(entity, g, start), w);
        return true;
    }

    private ReportWindow window(String entity, Granularity g, long start, ReportCursor c) {
        List<Long> open = g == Granularity.HOURLY ? c.getOpenHours() : c.getOpenDays();
        if (!open.contains(start)) {
            open.add(start);
            open.sort(null);
            return emptyWindow();
        }
        ReportWindow w = windows.get(windowKey(entity, g, start));
        return w == null ? emptyWindow() : w;
    }

    private static void addFlow(ReportWindow w, MetricFact f) {
        long v = f.getValue();
        switch (f.getKind()) {
            case ALERT -> w.getAlertsByType().merge(f.getAlertType(), 1L, Long::sum);
            case LIFESPAN -> w.setLifespan(Durations.add(w.getLifespan(), v));
            case INCIDENT -> w.setIncidents(w.getIncidents() + 1);
            case TIME_TO_DETECT -> w.setTimeToDetect(Durations.add(w.getTimeToDetect(), v));
            case TIME_TO_REVOKE -> w.setTimeToRevoke(Durations.add(w.getTimeToRevoke(), v));
            case TIME_TO_REPLACE -> w.setTimeToReplace(Durations.add(w.getTimeToReplace(), v));
            case RESIDUAL_EXPOSURE -> w.setResidualExposure(w.getResidualExposure() + v);
            case EXPIRY_BREAKAGE -> w.setExpiryBreakage(w.getExpiryBreakage() + v);
            default -> throw new IllegalArgumentException("not a flow: " + f.getKind());
        }
    }

    // ---- closing --------------------------------------------------------------------------------

    private void closeAll() {
        List<KeyValue<String, ReportCursor>> all = new ArrayList<>();
        try (KeyValueIterator<String, ReportCursor> it = cursors.all()) {
            it.forEachRemaining(all::add);
        }
        try {
            for (int i = 0; i < all.size(); i++) {
                KeyValue<String, ReportCursor> kv = all.get(i);
                ReportCursor c = mutable(kv.value);
                long hourBefore = c.getNextHour();
                long dayBefore = c.getNextDay();
                closingEntity = i;
                close(kv.key, c);
                if (c.getNextHour() != hourBefore || c.getNextDay() != dayBefore) {
                    cursors.put(kv.key, c);
                }
            }
            // By the end of their window, then by entity (each entity's in the order written): the order in which a
            // watermark moving one hour at a time closes them. How far the watermark moved at once (which depends on
            // where the token tasks' judging slices ended) changes no order on the topic.
            closed.sort(Comparator.comparingLong(Closed::end).thenComparingInt(Closed::entity));
            for (Closed c : closed) {
                context.forward(c.report());
            }
        } finally {
            closed.clear();
        }
    }

    private void close(String entity, ReportCursor c) {
        while (closable(c.getNextHour(), HOUR)) {
            closeDaysUpTo(entity, c, c.getNextHour());
            long hour = c.getNextHour();
            boolean hasWindow = c.getOpenHours().contains(hour);
            if (!hasWindow && c.getLateHourly() == 0 && allZero(c.getGauges())) {
                // Nothing to report until the next window with facts (or the first open one): skip the quiet hours.
                long next = firstOpen(now, HOUR);
                for (long h : c.getOpenHours()) {
                    next = Math.min(next, h);
                }
                c.setNextHour(Math.max(next, hour + HOUR));
                continue;
            }
            ReportWindow w = hasWindow ? windows.get(windowKey(entity, Granularity.HOURLY, hour)) : null;
            if (w != null && !w.getGaugeDelta().isEmpty()) {
                addInto(c.getGauges(), w.getGaugeDelta().stream().mapToLong(Long::longValue).toArray());
            }
            emit(c, Granularity.HOURLY, hour, HOUR, w, c.getLateHourly());
            c.setLateHourly(0L);
            if (hasWindow) {
                windows.delete(windowKey(entity, Granularity.HOURLY, hour));
                c.getOpenHours().remove(Long.valueOf(hour));
            }
            c.setNextHour(hour + HOUR);
        }
        closeDaysUpTo(entity, c, c.getNextHour());
    }

    /** Closes the daily windows that end at or before {@code hour}, whose gauges are therefore the running ones. */
    private void closeDaysUpTo(String entity, ReportCursor c, long hour) {
        while (c.getNextDay() + DAY <= hour && closable(c.getNextDay(), DAY)) {
            long day = c.getNextDay();
            boolean hasWindow = c.getOpenDays().contains(day);
            if (!hasWindow && c.getLateDaily() == 0 && allZero(c.getGauges())) {
                // Nothing to report: skip the quiet days up to the next one with facts or the one holding the hour.
                long next = Math.floorDiv(hour, DAY) * DAY;
                for (long d : c.getOpenDays()) {
                    next = Math.min(next, d);
                }
                c.setNextDay(Math.max(next, day + DAY));
                continue;
            }
            ReportWindow w = hasWindow ? windows.get(windowKey(entity, Granularity.DAILY, day)) : null;
            emit(c, Granularity.DAILY, day, DAY, w, c.getLateDaily());
            c.setLateDaily(0L);
            if (hasWindow) {
                windows.delete(windowKey(entity, Granularity.DAILY, day));
                c.getOpenDays().remove(Long.valueOf(day));
            }
            c.setNextDay(day + DAY);
        }
    }

    private void emit(ReportCursor c, Granularity g, long start, long length, ReportWindow w, long late) {
        List<Long> gauges = c.getGauges();
        ReportWindow flows = w == null ? emptyWindow() : w;
        long judged = gauges.get(PostureFlags.JUDGED);
        PostureReport r = PostureReport.newBuilder()
                .setTenant(c.getTenant())
                .setOwner(c.getOwner())
                .setGranularity(g)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(start + length))
                .setActiveTokens(gauges.get(PostureFlags.ACTIVE))
                .setTokensWithoutExpiry(gauges.get(PostureFlags.WITHOUT_EXPIRY))
                .setTokensOverMaxLifetime(gauges.get(PostureFlags.OVER_MAX_LIFETIME))
                .setUnusedTokens(gauges.get(PostureFlags.UNUSED))
                .setOverPrivilegedTokens(gauges.get(PostureFlags.OVER_PRIVILEGED))
                .setLeastPrivilegeRatio(judged == 0 ? null : (double) gauges.get(PostureFlags.LEAST_PRIVILEGED) / judged)
                .setLifespanP50Ms(Durations.quantile(flows.getLifespan(), 0.5))
                .setLifespanP95Ms(Durations.quantile(flows.getLifespan(), 0.95))
                .setIncidents(flows.getIncidents())
                .setTimeToDetectMeanMs(Durations.mean(flows.getTimeToDetect()))
                .setTimeToDetectP50Ms(Durations.quantile(flows.getTimeToDetect(), 0.5))
                .setTimeToDetectP95Ms(Durations.quantile(flows.getTimeToDetect(), 0.95))
                .setTimeToRevokeMeanMs(Durations.mean(flows.getTimeToRevoke()))
                .setTimeToRevokeP50Ms(Durations.quantile(flows.getTimeToRevoke(), 0.5))
                .setTimeToRevokeP95Ms(Durations.quantile(flows.getTimeToRevoke(), 0.95))
                .setTimeToReplaceMeanMs(Durations.mean(flows.getTimeToReplace()))
                .setTimeToReplaceP50Ms(Durations.quantile(flows.getTimeToReplace(), 0.5))
                .setTimeToReplaceP95Ms(Durations.quantile(flows.getTimeToReplace(), 0.95))
                .setResidualExposure(flows.getResidualExposure())
                .setExpiryBreakage(flows.getExpiryBreakage())
                .setAlertsByType(new java.util.TreeMap<>(flows.getAlertsByType()))
                .setLateEvents(late)
                .build();
        latest.put(latestKey(entityKey(c.getTenant(), c.getOwner()), g), r);
        closed.add(new Closed(start + length, closingEntity, new Record<>(c.getTenant(), r, start + length)));
    }

    // ---- keys and arrays ------------------------------------------------------------------------

    /** The key of {@link ReportTopology#LATEST_STORE}: a tenant's entries share the prefix {@code tenant NUL}. */
    public static String latestKey(String entity, Granularity g) {
        return entity + SEP + g.name();
    }

    public static String entityKey(String tenant, String owner) {
        return owner == null ? tenant + SEP : tenant + SEP + '\u0001' + owner;
    }

    static String windowKey(String entity, Granularity g, long start) {
        return entity + SEP + (g == Granularity.HOURLY ? 'H' : 'D') + start;
    }

    /** A stored cursor with plain lists: Avro's arrays do not support removing an element by value. */
    private static ReportCursor mutable(ReportCursor c) {
        if (c != null) {
            c.setGauges(new ArrayList<>(c.getGauges()));
            c.setOpenHours(new ArrayList<>(c.getOpenHours()));
            c.setOpenDays(new ArrayList<>(c.getOpenDays()));
        }
        return c;
    }

    /** With collections of its own: the builder's defaults are shared and must not be changed. */
    private static ReportWindow emptyWindow() {
        return ReportWindow.newBuilder().setGaugeDelta(new ArrayList<>()).setAlertsByType(new HashMap<>()).build();
    }

    private static List<Long> zeros() {
        List<Long> z = new ArrayList<>(PostureFlags.COUNT);
        for (int i = 0; i < PostureFlags.COUNT; i++) {
            z.add(0L);
        }
        return z;
    }

    private static void addInto(List<Long> target, long[] delta) {
        while (target.size() < delta.length) {
            target.add(0L);
        }
        for (int i = 0; i < delta.length; i++) {
            target.set(i, target.get(i) + delta[i]);
        }
    }

    private static boolean allZero(List<Long> values) {
        return values.stream().allMatch(v -> Objects.equals(v, 0L));
    }
}
