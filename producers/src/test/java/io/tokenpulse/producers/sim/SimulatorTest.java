package io.tokenpulse.producers.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.LineResult;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    /** Runs a simulation into canonical JSON Lines; returns {events, truth}. */
    static String[] run(SimConfig config) throws Exception {
        StringBuilder events = new StringBuilder();
        GroundTruth truth = new Simulator(config).run(e -> events.append(CanonicalJson.line(e.event().value())).append('\n'));
        StringWriter w = new StringWriter();
        truth.write(w);
        return new String[] {events.toString(), w.toString()};
    }

    @Test
    void theSameSeedGivesByteIdenticalEventsAndTruth() throws Exception {
        SimConfig config = new SimConfig(2, 120, 10, 7);
        String[] a = run(config);
        String[] b = run(config);
        assertArrayEquals(a[0].getBytes(StandardCharsets.UTF_8), b[0].getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(a[1].getBytes(StandardCharsets.UTF_8), b[1].getBytes(StandardCharsets.UTF_8));
        String[] other = run(new SimConfig(2, 120, 10, 8));
        assertNotEquals(a[0], other[0], "another seed gives another fleet");
    }

    @Test
    void everyGeneratedLineIsValidCanonicalJsonLines() throws Exception {
        String[] out = run(new SimConfig(1, 60, 8, 3));
        List<LineResult> lines = new JsonLinesAdapter().parse(new StringReader(out[0])).toList();
        List<LineResult> rejected = lines.stream().filter(l -> l instanceof LineResult.Rejected).toList();
        assertTrue(rejected.isEmpty(), "rejected: " + rejected.stream().limit(5).toList());
        assertTrue(lines.size() > 1000, "a fleet of 60 tokens over 8 days makes thousands of events, got " + lines.size());
    }

    /**
     * Stories are kept apart: a token's truth holds only its story's conditions (and an unreplaced expiry, which
     * any single token may reach in a long run); healthy and rotated-in tokens have none at all.
     */
    @Test
    void eachStoryRaisesOnlyItsOwnConditions() throws Exception {
        Map<String, Set<AlertType>> allowed = new HashMap<>();
        allowed.put("forgotten", EnumSet.of(AlertType.UNUSED_TOKEN));
        allowed.put("over-granted", EnumSet.of(AlertType.OVER_PRIVILEGED));
        allowed.put("creep-change", EnumSet.of(AlertType.SCOPE_CREEP));
        allowed.put("creep-rotate-rotated", EnumSet.of(AlertType.SCOPE_CREEP));
        allowed.put("principal-mix", EnumSet.of(AlertType.PRINCIPAL_MISMATCH, AlertType.NEW_SOURCE));
        allowed.put("version-mix", EnumSet.of(AlertType.VERSION_MISMATCH));
        allowed.put("retired-left", EnumSet.of(AlertType.RETIRED_VERSION_TOKEN));
        allowed.put("stale-revoked", EnumSet.of(AlertType.REVOKED_TOKEN_USED));
        allowed.put("stale-expired", EnumSet.of(AlertType.EXPIRED_TOKEN_USED));
        allowed.put("expiring", EnumSet.noneOf(AlertType.class));
        allowed.put("policy-violation", EnumSet.of(AlertType.EXPIRY_POLICY_VIOLATION));
        allowed.put("compromise", EnumSet.of(AlertType.NEW_SOURCE, AlertType.SCOPE_PROBING, AlertType.USAGE_SPIKE,
                AlertType.PRINCIPAL_MISMATCH, AlertType.REVOKED_TOKEN_USED, AlertType.REPLACEMENT_OVERDUE));
        allowed.put("unknown", EnumSet.of(AlertType.UNKNOWN_TOKEN_USED));
        Set<String> single = Set.of("forgotten", "over-granted", "creep-change", "principal-mix", "version-mix",
                "retired-left", "expiring");
        for (int days : new int[] {10, 30}) {
            String[] out = run(new SimConfig(2, 400, days, 21));
            GroundTruth truth = GroundTruth.read(new BufferedReader(new StringReader(out[1])));
            for (TruthEntry t : truth.alerts()) {
                String story = t.story().startsWith("compromise-") && t.type() == AlertType.REPLACEMENT_OVERDUE ? "compromise" : t.story();
                Set<AlertType> ok = EnumSet.noneOf(AlertType.class);
                ok.addAll(allowed.getOrDefault(story, Set.of()));
                if (single.contains(story)) {
                    ok.add(AlertType.EXPIRING_UNREPLACED);
                }
                assertTrue(ok.contains(t.type()), days + " days: " + t + " is not a condition of its story");
            }
        }
    }

    @Test
    void theTruthCoversEveryDeterministicTypeAndRoundTrips() throws Exception {
        SimConfig config = new SimConfig(2, 300, 10, 11);
        String[] out = run(config);
        GroundTruth truth = GroundTruth.read(new BufferedReader(new StringReader(out[1])));
        Map<AlertType, Long> byType = truth.alerts().stream()
                .collect(Collectors.groupingBy(TruthEntry::type, () -> new EnumMap<>(AlertType.class), Collectors.counting()));
        System.out.println("truth by type: " + byType + ", incidents " + truth.incidents().size());
        for (AlertType t : AlertType.values()) {
            assertTrue(byType.getOrDefault(t, 0L) > 0, "no " + t + " in the truth: " + byType);
        }
        assertFalse(truth.incidents().isEmpty());
        StringWriter again = new StringWriter();
        truth.write(again);
        assertEquals(out[1], again.toString(), "read then written gives the same bytes");
        assertTrue(truth.alerts().stream().allMatch(a -> a.eventTime() <= config.truthUntilMs()));
    }
}
