package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Topic;
import io.tokenpulse.app.detect.Slices;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.UsageOutcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput work (issue 11) changes how fast, never what: every output record of four runs (the determinism scenario
 * in order and shuffled within the lateness; the same with no lateness at all, so that records are judged as they
 * arrive, many of them late; and late stragglers after a backfill) is, in the order written, the same key bytes and
 * value bytes as in {@code golden/output-bytes.txt.gz}, generated from the code before the object cache, the direct
 * judging and the compact token state. The registry header of a key or value is written as the schema it names (its
 * fingerprint), since schema ids depend on what else was registered first. {@code -Dgolden.update=true} rewrites it.
 */
class OutputBytesGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/output-bytes.txt.gz");
    private static final Map<String, String> NO_LATENESS = Map.of(
            AppConfig.LATENESS, "PT0S",
            AppConfig.DETECT_IDLE_AFTER, "PT30S",
            AppConfig.REPORTS_GRACE, "PT1H");
    private static final Instant T0 = Pipeline.NOW.minus(Duration.ofDays(200));
    private static final int DRAIN_STEPS = 5_000;

    @TempDir
    Path dir;

    @Test
    void everyOutputRecordKeepsItsBytes() throws IOException {
        List<InterleavingTest.Input> ordered = new ArrayList<>(InterleavingTest.SCENARIO);
        ordered.sort(Comparator.comparingLong(InterleavingTest.Input::at));
        List<String> out = new ArrayList<>();
        out.addAll(run("ordered", ordered, List.of(), InterleavingTest.SETTINGS));
        out.addAll(run("shuffled", InterleavingTest.shuffled(new Random(5)), List.of(), InterleavingTest.SETTINGS));
        out.addAll(run("no-lateness", InterleavingTest.shuffled(new Random(7)), List.of(), NO_LATENESS));
        out.addAll(run("stragglers", ordered, stragglers(), InterleavingTest.SETTINGS));
        List<String> expected = GoldenFile.expected(GOLDEN, out);
        for (int i = 0; i < Math.min(expected.size(), out.size()); i++) {
            assertEquals(expected.get(i), out.get(i), "first difference at line " + (i + 1));
        }
        assertEquals(expected.size(), out.size(), "lines");
    }

    /**
     * Judging in the smallest slices (a clock that ends each one early, a millisecond of deadlines split across
     * several) moves the watermark in other steps: the same records still come out, in the same order.
     */
    @Test
    void whereJudgingSlicesEndChangesNoRecordAndNoOrder() throws Exception {
        // Small slices need many more punctuations to get through the backlog: both runs get the same extra wall time.
        // No stragglers: a record later than the lateness may be judged late or not depending on how far judging got.
        List<String> whole = run("shuffled", InterleavingTest.shuffled(new Random(5)), List.of(), InterleavingTest.SETTINGS, DRAIN_STEPS);
        List<String> sliced = Slices.smallest(() -> run("shuffled", InterleavingTest.shuffled(new Random(5)), List.of(),
                InterleavingTest.SETTINGS, DRAIN_STEPS));
        assertTrue(whole.stream().filter(l -> l.contains(" token-reports ")).count() > 100, "reports compared");
        for (int i = 0; i < Math.min(whole.size(), sliced.size()); i++) {
            assertEquals(whole.get(i), sliced.get(i), "first difference at line " + (i + 1));
        }
        assertEquals(whole.size(), sliced.size(), "lines");
    }

    /** Records that arrive after the backfill was judged: uses and lifecycle events far behind the watermark. */
    private static List<InterleavingTest.Input> stragglers() {
        List<InterleavingTest.Input> in = new ArrayList<>();
        int n = 0;
        for (String token : List.of("op", "leak", "spiky", "bound", "ghost", "new-ghost")) {
            for (int d = 5; d < 60; d += 11) {
                Instant at = T0.plus(Duration.ofDays(d)).plusMillis(n);
                in.add(new InterleavingTest.Input("usage", token, Pipeline.usage("late-u" + n++, token, at)
                        .setSourceIp("10.9.0." + n).setUserAgent("late/1").setOutcome(n % 4 == 0 ? UsageOutcome.DENIED_SCOPE
                                : UsageOutcome.ALLOWED).setScope(n % 4 == 0 ? "admin" : "repo:read").build(), at.toEpochMilli()));
            }
        }
        Instant revoked = T0.plus(Duration.ofDays(7));
        in.add(new InterleavingTest.Input("lifecycle", "spiky", Pipeline.lifecycle("late-l1", "spiky", LifecycleType.REVOKED, revoked)
                .build(), revoked.toEpochMilli()));
        Instant issued = T0.plus(Duration.ofDays(8));
        in.add(new InterleavingTest.Input("lifecycle", "late-new", Pipeline.lifecycle("late-l2", "late-new", LifecycleType.ISSUED, issued)
                .setScopes(List.of("repo:read")).setExpiresAt(issued.plus(Duration.ofDays(3))).build(), issued.toEpochMilli()));
        return in;
    }

    private static List<String> run(String name, List<InterleavingTest.Input> inputs, List<InterleavingTest.Input> after,
                                    Map<String, String> settings) throws IOException {
        return run(name, inputs, after, settings, 0);
    }

    /** {@code drainSteps}: how many more milliseconds of wall-clock time pass at the end, one at a time. */
    private static List<String> run(String name, List<InterleavingTest.Input> inputs, List<InterleavingTest.Input> after,
                                    Map<String, String> settings, int drainSteps) throws IOException {
        Path dir = Files.createTempDirectory("output-bytes");
        try (Pipeline p = new Pipeline(dir, settings)) {
            InterleavingTest.deliver(p, inputs);
            if (!after.isEmpty()) {
                for (InterleavingTest.Input in : after) {
                    if (in.topic().equals("usage")) {
                        p.send(p.topics.usage(), in.key(), (io.tokenpulse.avro.TokenUsageEvent) in.value());
                    } else {
                        p.send(p.topics.lifecycle(), in.key(), (io.tokenpulse.avro.TokenLifecycleEvent) in.value());
                    }
                }
                p.driver.advanceWallClockTime(Duration.ofSeconds(31));
                p.driver.advanceWallClockTime(Duration.ofSeconds(1));
            }
            for (int i = 0; i < drainSteps; i++) {
                p.driver.advanceWallClockTime(Duration.ofMillis(1));
            }
            List<String> out = new ArrayList<>();
            for (Topic<String, ?> t : List.of(p.topics.alerts(), p.topics.actions(), p.topics.incidents(), p.topics.reports())) {
                List<TestRecord<byte[], byte[]>> records = p.driver.createOutputTopic(t.name(), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList();
                int i = 0;
                for (TestRecord<byte[], byte[]> r : records) {
                    out.add(name + " " + t.name() + " " + i++ + " " + r.getRecordTime().toEpochMilli() + " "
                            + framed(p, r.key()) + " " + framed(p, r.value()));
                }
            }
            assertTrue(out.size() > 20, name + ": " + out.size() + " outputs");
            return out;
        }
    }

    /** The registry header as the schema it names, then the Avro binary. */
    private static String framed(Pipeline p, byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        assertEquals(0, bytes[0], "magic byte");
        Schema schema = p.registry.getById(ByteBuffer.wrap(bytes, 1, 4).getInt());
        return Long.toHexString(SchemaNormalization.parsingFingerprint64(schema)) + ":"
                + HexFormat.of().formatHex(bytes, 5, bytes.length);
    }
}
