package io.tokenpulse.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.time.TimeSources;
import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.ReportCursor;
import io.tokenpulse.avro.state.ReportWindow;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import io.tokenpulse.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The report processor alone: its time is the slowest token task's, so a fast partition closes nothing early. */
class ReportProcessorTest {
    private static final Instant NOON = Instant.parse("2025-01-25T12:00:00Z");
    private static final long MIN = Duration.ofMinutes(1).toMillis();

    private final MockProcessorContext<String, PostureReport> context = new MockProcessorContext<>();
    private final TimeSources sources = new TimeSources(1);
    private final ReportProcessor processor = new ReportProcessor(Duration.ofMinutes(10), sources);

    ReportProcessorTest() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ReportTopology.CURSOR_STORE), Serdes.String(),
                AvroSerdes.value(ReportCursor.class, registry)));
        add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ReportTopology.WINDOW_STORE), Serdes.String(),
                AvroSerdes.value(ReportWindow.class, registry)));
        add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ReportTopology.CLOCK_STORE), Serdes.String(), Serdes.Long()));
        add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ReportTopology.LATEST_STORE), Serdes.String(),
                AvroSerdes.value(PostureReport.class, registry)));
        processor.init(context);
    }

    private void add(StoreBuilder<? extends KeyValueStore<String, ?>> builder) {
        KeyValueStore<String, ?> store = builder.withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @Test
    void aWindowClosesOnlyWhenEveryTokenTaskIsPastItsEndPlusTheGrace() {
        long noon = NOON.toEpochMilli();
        sources.expect(2, 1, 1);
        send(MetricFacts.watermark(0, noon));
        send(MetricFacts.alert("acme", null, "NEW_SOURCE", noon + 20 * MIN));
        // Partition 0 alone at 14:00: partition 1 has not said where it is, so nothing closes
        send(MetricFacts.watermark(0, noon + 120 * MIN));
        assertEquals(List.of(), reports());
        send(MetricFacts.watermark(1, noon));
        // Partition 0 races ahead to 14:00; partition 1 is at 12:30: the 12:00 window stays open
        send(MetricFacts.watermark(0, noon + 120 * MIN));
        send(MetricFacts.watermark(1, noon + 30 * MIN));
        assertEquals(List.of(), reports());
        // A fact from the slow partition at 12:40 is in time
        send(MetricFacts.alert("acme", null, "NEW_SOURCE", noon + 40 * MIN));
        send(MetricFacts.watermark(1, noon + 70 * MIN));
        List<PostureReport> closed = reports();
        assertEquals(1, closed.size(), closed.toString());
        PostureReport r = closed.get(0);
        assertEquals(Granularity.HOURLY, r.getGranularity());
        assertEquals(NOON, r.getWindowStart());
        assertEquals(2L, r.getAlertsByType().get("NEW_SOURCE"));
        assertEquals(0, r.getLateEvents());
        // An older watermark changes nothing
        send(MetricFacts.watermark(1, noon));
        assertEquals(List.of(), reports());
    }

    @Test
    void factsThatArriveBeforeAnyWatermarkLandInTheirOwnWindowsInEitherOrder() {
        long noon = NOON.toEpochMilli();
        List<String> first = null;
        for (boolean laterFirst : new boolean[] {true, false}) {
            ReportProcessorTest run = new ReportProcessorTest();
            run.sources.expect(2, 1, 1);
            MetricFact early = MetricFacts.alert("acme", null, "NEW_SOURCE", noon + 10 * MIN);
            MetricFact late = MetricFacts.alert("acme", null, "NEW_SOURCE", noon + 70 * MIN);
            // Two token tasks: the one at 13:10 happens to be heard before the one at 12:10
            run.send(laterFirst ? late : early);
            run.send(laterFirst ? early : late);
            run.send(MetricFacts.watermark(0, noon + 200 * MIN));
            run.send(MetricFacts.watermark(1, noon + 200 * MIN));
            List<String> closed = run.reports().stream().map(r -> r.getWindowStart() + " " + r.getAlertsByType() + " late " + r.getLateEvents()).toList();
            assertEquals(List.of(NOON + " {NEW_SOURCE=1} late 0", NOON.plus(Duration.ofHours(1)) + " {NEW_SOURCE=1} late 0"), closed,
                    "the 12:00 window has its own fact, whichever task was heard first");
            if (first != null) {
                assertEquals(first, closed);
            }
            first = closed;
        }
    }

    @Test
    void quietDaysBetweenFactsAreSkippedAndDaysWithFactsReported() {
        long noon = NOON.toEpochMilli();
        long day = Duration.ofDays(1).toMillis();
        send(MetricFacts.of(FactKind.EXPIRY_BREAKAGE, "acme", null, noon, 1));
        send(MetricFacts.of(FactKind.EXPIRY_BREAKAGE, "acme", null, noon + 30 * day, 1));
        send(MetricFacts.watermark(0, noon + 40 * day));
        List<PostureReport> daily = reports().stream().filter(r -> r.getGranularity() == Granularity.DAILY).toList();
        assertEquals(List.of(NOON.truncatedTo(java.time.temporal.ChronoUnit.DAYS), NOON.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(30))),
                daily.stream().map(PostureReport::getWindowStart).toList());
    }

    @Test
    void aFactForAClosedWindowCountsAsLateInTheNextReport() {
        long noon = NOON.toEpochMilli();
        send(MetricFacts.watermark(0, noon));
        send(MetricFacts.of(FactKind.EXPIRY_BREAKAGE, "acme", "web", noon + 5 * MIN, 2));
        send(MetricFacts.watermark(0, noon + 71 * MIN));
        assertEquals(2, reports().size(), "the tenant's and the owner's 12:00 reports");
        send(MetricFacts.of(FactKind.EXPIRY_BREAKAGE, "acme", "web", noon + 6 * MIN, 1));
        send(MetricFacts.watermark(0, noon + 131 * MIN));
        List<PostureReport> next = reports();
        assertEquals(2, next.size(), next.toString());
        for (PostureReport r : next) {
            assertEquals(NOON.plus(Duration.ofHours(1)), r.getWindowStart());
            assertEquals(1, r.getLateEvents());
            assertEquals(0, r.getExpiryBreakage());
        }
    }

    @Test
    void gaugesMoveWithTheTokenFromOneOwnerToAnother() {
        long noon = NOON.toEpochMilli();
        int active = 1 << PostureFlags.ACTIVE;
        send(MetricFacts.watermark(0, noon));
        send(MetricFacts.gauges("acme", "web", active, null, 0, noon + MIN));
        send(MetricFacts.gauges("acme", "payments", active, "web", active, noon + 2 * MIN));
        send(MetricFacts.watermark(0, noon + 71 * MIN));
        List<PostureReport> closed = reports();
        assertEquals(1, one(closed, null).getActiveTokens());
        assertEquals(1, one(closed, "payments").getActiveTokens());
        assertEquals(0, one(closed, "web").getActiveTokens(), "web had a token during the hour, none at its end");
    }

    @Test
    void percentilesBeyondTheExactRangeStayWithinTheBucketErrorAndTheSummaryIsBounded() {
        io.tokenpulse.avro.state.DurationSummary s = null;
        for (long v = 1; v <= 100_000; v++) {
            s = Durations.add(s, v);
        }
        long p50 = Durations.quantile(s, 0.5);
        long p95 = Durations.quantile(s, 0.95);
        // Buckets 1% wide, answered by their middle: within 0.5% of the exact nearest-rank value
        assertTrue(Math.abs(p50 - 50_000) <= 250, "p50 " + p50);
        assertTrue(Math.abs(p95 - 95_000) <= 475, "p95 " + p95);
        assertEquals(50_000.5, Durations.mean(s), "the mean is exact");
        assertTrue(s.getSketch().remaining() < 8_000, "summary bytes " + s.getSketch().remaining());
    }

    @Test
    void theSummaryIsTheSameWhateverTheOrderOfItsValues() {
        // Facts of one window come from several token tasks in whatever order they are read: the report may not care
        java.util.Random random = new java.util.Random(7);
        java.util.List<Long> values = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            values.add((long) (random.nextDouble() * 40L * 24 * 3_600_000));
        }
        java.util.List<Long> shuffled = new java.util.ArrayList<>(values);
        java.util.Collections.shuffle(shuffled, new java.util.Random(11));
        for (int size : new int[] {Durations.EXACT, Durations.EXACT + 1, 5_000}) {
            io.tokenpulse.avro.state.DurationSummary a = null;
            io.tokenpulse.avro.state.DurationSummary b = null;
            for (int i = 0; i < size; i++) {
                a = Durations.add(a, values.get(i));
            }
            java.util.List<Long> same = new java.util.ArrayList<>(values.subList(0, size));
            java.util.Collections.shuffle(same, new java.util.Random(size));
            for (long v : same) {
                b = Durations.add(b, v);
            }
            assertEquals(a, b, size + " values in two orders");
            java.util.List<Long> sorted = same.stream().sorted().toList();
            long exactP95 = sorted.get((int) Math.ceil(0.95 * size) - 1);
            long p95 = Durations.quantile(a, 0.95);
            if (size <= Durations.EXACT) {
                assertEquals(exactP95, p95, "exact up to " + Durations.EXACT + " values");
            } else {
                assertTrue(Math.abs(p95 - exactP95) <= exactP95 * 0.006, "p95 " + p95 + " against " + exactP95);
            }
        }
    }

    @Test
    void aSummaryWrittenAsAKllSketchByAnEarlierBuildIsCarriedOver() {
        org.apache.datasketches.kll.KllLongsSketch kll = org.apache.datasketches.kll.KllLongsSketch.newHeapInstance(200);
        for (long v = 1; v <= 10; v++) {
            kll.update(v * 1_000);
        }
        io.tokenpulse.avro.state.DurationSummary old = io.tokenpulse.avro.state.DurationSummary.newBuilder().setCount(10)
                .setSumMs(55_000).setSketch(java.nio.ByteBuffer.wrap(kll.toByteArray())).build();
        assertEquals(5_000L, Durations.quantile(old, 0.5));
        io.tokenpulse.avro.state.DurationSummary next = Durations.add(old, 11_000);
        assertEquals(6_000L, Durations.quantile(next, 0.5), "11 values: the 6th");
        assertEquals(11_000L, Durations.quantile(next, 0.95));
    }

    private static PostureReport one(List<PostureReport> reports, String owner) {
        return reports.stream().filter(r -> java.util.Objects.equals(r.getOwner(), owner)).findFirst().orElseThrow();
    }

    private void send(MetricFact f) {
        processor.process(new Record<>(f.getTenant(), f, f.getAt()));
    }

    private List<PostureReport> reports() {
        List<PostureReport> out = context.forwarded().stream().map(c -> (PostureReport) c.record().value()).toList();
        context.resetForwards();
        return out;
    }
}
