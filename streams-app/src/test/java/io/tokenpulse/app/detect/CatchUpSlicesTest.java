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

    @TempDir
    Path dir;

    @Test
    void whereTheClockEndsASliceChangesNoOutput() {
        List<String> oneSlice = run(dir.resolve("one"), Duration.ofSeconds(1).toNanos());
        List<String> manySlices = run(dir.resolve("many"), 0);
        assertTrue(oneSlice.stream().anyMatch(l -> l.contains(AlertType.REVOKED_TOKEN_USED.name())), "the backlog alerts");
        assertEquals("judged in the first slice: true", oneSlice.get(0));
        assertEquals("judged in the first slice: false", manySlices.get(0), "the clock ended the first slice early");
        assertEquals(oneSlice.subList(1, oneSlice.size()), manySlices.subList(1, manySlices.size()));
    }

    private static List<String> run(Path stateDir, long budgetNanos) {
        long before = TokenProcessor.catchUpBudgetNanos;
        TokenProcessor.catchUpBudgetNanos = budgetNanos;
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
        } finally {
            TokenProcessor.catchUpBudgetNanos = before;
        }
    }
}
