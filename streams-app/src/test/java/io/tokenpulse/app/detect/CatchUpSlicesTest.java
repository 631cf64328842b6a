package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog held through the start-up wait is judged in catch-up slices whose ends a clock decides: ending every slice
 * as early as the rule allows gives the very outputs of judging the backlog in one slice.
 */
class CatchUpSlicesTest {
    private static final Instant AT = Pipeline.NOW.minus(Duration.ofHours(3));
    private static final int TOKENS = 40;
    private static final int USES = 3_000;
    private static final int TOKENS_AT_ONCE = 300;

    @TempDir
    Path dir;

    @Test
    void whereTheClockEndsASliceChangesNoOutput() throws Exception {
        List<String> oneSlice = run(dir.resolve("one"), Duration.ofSeconds(1).toNanos());
        List<String> manySlices = run(dir.resolve("many"), 0);
        assertTrue(oneSlice.stream().anyMatch(l -> l.contains(AlertType.REVOKED_TOKEN_USED.name())), "the backlog alerts");
        assertEquals("judged in the first slice: true", oneSlice.get(0));
        assertEquals("judged in the first slice: false", manySlices.get(0), "the clock ended the first slice early");
        assertEquals(oneSlice.subList(1, oneSlice.size()), manySlices.subList(1, manySlices.size()));
    }

    /**
     * Tokens issued in one millisecond fall unused in one millisecond: with slices of a few deadlines, judging stops
     * amid that millisecond's deadlines (and the expiries they lead to) and goes on where it stopped, with the outputs
     * of firing them all at once.
     */
    @Test
    void aMillisecondOfDeadlinesIsJudgedInSlicesWithTheOutputsOfOne() throws Exception {
        List<String> atOnce = deadlines(dir.resolve("once"), 1_000_000, 1_000_000);
        List<String> sliced = deadlines(dir.resolve("sliced"), 7, 50);
        assertEquals("first judged: " + TOKENS_AT_ONCE + " unused", atOnce.get(0));
        int cut = Integer.parseInt(sliced.get(0).replaceAll("[^0-9]", ""));
        assertTrue(cut > 0 && cut < TOKENS_AT_ONCE, "the first slice stopped amid the millisecond's deadlines: " + cut);
        assertEquals(TOKENS_AT_ONCE, atOnce.stream().filter(l -> l.contains(" " + AlertType.UNUSED_TOKEN.name() + " ")).count());
        assertTrue(atOnce.stream().anyMatch(l -> l.contains(" " + AlertType.EXPIRING_UNREPLACED.name() + " ")), "expiries follow");
        assertEquals(atOnce.subList(1, atOnce.size()), sliced.subList(1, sliced.size()));
    }

    private static List<String> deadlines(Path stateDir, int perRecord, int perPunctuation) throws Exception {
        return Slices.sized(perRecord, perPunctuation, TokenProcessor.catchUpBudgetNanos, () -> deadlines(stateDir));
    }

    private static List<String> deadlines(Path stateDir) {
        try (Pipeline p = new Pipeline(stateDir, Map.of(AppConfig.LATENESS, "PT1H", AppConfig.DETECT_IDLE_AFTER, "PT30S"))) {
            Instant issued = AT.minus(Duration.ofDays(200));
            for (int t = 0; t < TOKENS_AT_ONCE; t++) {
                var e = Pipeline.lifecycle("i" + t, "t" + t, LifecycleType.ISSUED, issued);
                if (t % 2 == 0) {
                    // In one millisecond too, a little after the unused deadline.
                    e.setExpiresAt(issued.plus(Duration.ofDays(100)));
                }
                p.send(p.topics.lifecycle(), "t" + t, e.build());
            }
            p.driver.advanceWallClockTime(Duration.ofSeconds(31));
            // Lifecycle and usage far past the deadlines: once the sources that went quiet have had their grace to come
            // back, the watermark passes all the deadlines at once.
            p.send(p.topics.lifecycle(), "late", Pipeline.lifecycle("far-issue", "late", LifecycleType.ISSUED, AT).build());
            p.send(p.topics.usage(), "t0", Pipeline.usage("far", "t0", AT).build());
            List<String> out = new ArrayList<>();
            List<String> alerts = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                p.driver.advanceWallClockTime(Duration.ofMillis(100));
                p.read(p.topics.alerts()).forEach(r -> alerts.add("alert " + r.key() + " " + r.value().getType() + " "
                        + r.value().getAlertId() + " " + r.value().getEventTime()));
                long unused = alerts.stream().filter(l -> l.contains(" " + AlertType.UNUSED_TOKEN.name() + " ")).count();
                if (out.isEmpty() && unused > 0) {
                    out.add("first judged: " + unused + " unused");
                }
            }
            out.addAll(alerts);
            p.read(p.topics.actions()).forEach(r -> out.add("action " + r.key() + " " + r.value()));
            p.read(p.topics.incidents()).forEach(r -> out.add("incident " + r.key() + " " + r.value()));
            for (int t = 0; t < TOKENS_AT_ONCE; t++) {
                out.add("state " + p.tokenState("t" + t).orElseThrow());
            }
            return out;
        }
    }

    private static List<String> run(Path stateDir, long budgetNanos) throws Exception {
        return Slices.sized(TokenProcessor.judgePerRecord, TokenProcessor.judgePerPunctuation, budgetNanos, () -> run(stateDir));
    }

    private static List<String> run(Path stateDir) {
        try (Pipeline p = new Pipeline(stateDir, Map.of(AppConfig.LATENESS, "PT1H", AppConfig.DETECT_IDLE_AFTER, "PT30S"))) {
            for (int t = 0; t < TOKENS; t++) {
                p.send(p.topics.lifecycle(), "t" + t, Pipeline.lifecycle("i" + t, "t" + t, LifecycleType.ISSUED, AT).build());
                if (t % 4 == 0) {
                    p.send(p.topics.lifecycle(), "t" + t,
                            Pipeline.lifecycle("r" + t, "t" + t, LifecycleType.REVOKED, AT.plus(Duration.ofMinutes(30))).build());
                }
            }
            for (int u = 0; u < USES; u++) {
                String token = "t" + (u % TOKENS);
                p.send(p.topics.usage(), token, Pipeline.usage("u" + u, token, AT.plusSeconds(1 + u * 2L)).build());
            }
            assertFalse(p.tokenState("t1").map(s -> s.getActivity().getLastUseAt() != null).orElse(false), "held, not judged yet");
            // The start-up wait ends; then catch-up punctuations judge the backlog a slice at a time.
            p.driver.advanceWallClockTime(Duration.ofSeconds(31));
            // A use an hour and more past the backlog moves the watermark past all of it at once.
            p.send(p.topics.usage(), "t0", Pipeline.usage("far", "t0", AT.plusSeconds(2 * USES + 3_700)).build());
            // That record judged a small slice; the first catch-up punctuation judges the rest, or as much as its time allows.
            p.driver.advanceWallClockTime(Duration.ofMillis(5));
            String lastToken = "t" + ((USES - 1) % TOKENS);
            Long lastUse = AT.plusSeconds(1 + (USES - 1) * 2L).toEpochMilli();
            boolean allAtOnce = lastUse.equals(p.tokenState(lastToken).orElseThrow().getActivity().getLastUseAt());
            for (int i = 0; i < 200; i++) {
                p.driver.advanceWallClockTime(Duration.ofMillis(5));
            }
            List<String> out = new ArrayList<>();
            out.add("judged in the first slice: " + allAtOnce);
            p.read(p.topics.alerts()).forEach(r -> out.add("alert " + r.key() + " " + r.value().getType() + " " + r.value().getAlertId()
                    + " " + r.value().getEventTime()));
            p.read(p.topics.actions()).forEach(r -> out.add("action " + r.key() + " " + r.value()));
            p.read(p.topics.incidents()).forEach(r -> out.add("incident " + r.key() + " " + r.value()));
            for (int t = 0; t < TOKENS; t++) {
                out.add("state " + p.tokenState("t" + t).orElseThrow().getActivity());
            }
            assertEquals(lastUse, p.tokenState(lastToken).orElseThrow().getActivity().getLastUseAt(), "judged by the end");
            return out;
        }
    }
}
