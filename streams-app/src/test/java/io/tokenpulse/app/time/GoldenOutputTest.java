package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.app.Pipeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimisations change how fast, never what: the outputs of the determinism scenario (every alert type, every fact
 * that crosses tasks), sent in order and in one fixed shuffled interleaving, are byte for byte those in
 * {@code golden/interleaving-outputs.txt.gz}, which was generated from the code before the first throughput change
 * (issue 11). Each output record as topic, key, its position among that key's records, timestamp and the Avro
 * binary of its value, sorted (the contract is about the set of records and each key's order; reports are a set). To regenerate after a
 * change that is meant to change outputs: {@code -Dgolden.update=true}, and say why in the commit.
 */
class GoldenOutputTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/interleaving-outputs.txt.gz");

    @TempDir
    Path dir;

    @Test
    void theScenarioGivesTheGoldenOutputsByteForByte() throws IOException {
        List<InterleavingTest.Input> ordered = new ArrayList<>(InterleavingTest.SCENARIO);
        ordered.sort(Comparator.comparingLong(InterleavingTest.Input::at));
        List<String> inOrder = run(ordered, dir.resolve("ordered"));
        List<String> expected = GoldenFile.expected(GOLDEN, inOrder);
        same(expected, inOrder, "in event-time order");
        same(expected, run(InterleavingTest.shuffled(new Random(11)), dir.resolve("shuffled")),
                "shuffled within lateness (seed 11), a tenth of the usage sent twice");
    }

    private static void same(List<String> expected, List<String> actual, String run) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), run + ": first difference at line " + (i + 1));
        }
        assertEquals(expected.size(), actual.size(), run + ": lines");
    }

    private static List<String> run(List<InterleavingTest.Input> inputs, Path stateDir) {
        try (Pipeline p = new Pipeline(stateDir, InterleavingTest.SETTINGS)) {
            InterleavingTest.deliver(p, inputs);
            List<String> out = new ArrayList<>();
            out.addAll(lines("alerts", p.read(p.topics.alerts())));
            out.addAll(lines("actions", p.read(p.topics.actions())));
            out.addAll(lines("incidents", p.read(p.topics.incidents())));
            out.addAll(lines("reports", p.read(p.topics.reports())));
            return out;
        }
    }


    private static List<String> lines(String topic, List<? extends TestRecord<String, ? extends SpecificRecord>> records) {
        Map<String, Integer> position = new TreeMap<>();
        List<String> out = new ArrayList<>();
        for (TestRecord<String, ? extends SpecificRecord> r : records) {
            // A tenant's reports close in batches whose order is not part of the contract: a set, like the harness.
            String n = topic.equals("reports") ? "" : " #" + position.merge(r.key(), 1, Integer::sum);
            out.add(topic + " " + r.key() + n + " " + r.getRecordTime().toEpochMilli() + " " + HexFormat.of().formatHex(avro(r.value())));
        }
        out.sort(null);
        return out;
    }

    private static byte[] avro(SpecificRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
