package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenUsageEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays agree with themselves; redeliveries change nothing; an idle live system still notices deadlines. */
class DeterminismTest {
    @TempDir
    Path dir;

    private static final Consumer<Fleet> SCENARIO = f -> {
        f.issue("tok-1", T0);
        f.issue("tok-2", T0, List.of("a"), null);
        f.use("tok-1", at(days(1)), b -> b.setPrincipal("intruder"));
        f.denied("tok-1", at(days(2)), "admin", 10);
        f.lifecycle("tok-1", LifecycleType.REVOKED, at(days(3)), b -> { });
        f.use("tok-1", at(days(4)));
        f.use("ghost", at(days(5)));
        f.tick(at(days(200)));
    };

    @Test
    void theSameInputReplayedIntoAFreshPipelineGivesTheSameAlertIds() {
        List<String> first;
        List<String> second;
        try (Fleet f = new Fleet(dir.resolve("one"))) {
            SCENARIO.accept(f);
            first = f.newAlerts().stream().map(a -> a.getType() + " " + a.getTokenId() + " " + a.getAlertId()).sorted().toList();
        }
        try (Fleet f = new Fleet(dir.resolve("two"))) {
            SCENARIO.accept(f);
            second = f.newAlerts().stream().map(a -> a.getType() + " " + a.getTokenId() + " " + a.getAlertId()).sorted().toList();
        }
        assertFalse(first.isEmpty());
        assertEquals(first, second);
        assertEquals(List.of("EXPIRY_POLICY_VIOLATION tok-1", "EXPIRY_POLICY_VIOLATION tok-2", "PRINCIPAL_MISMATCH tok-1",
                "REVOKED_TOKEN_USED tok-1", "SCOPE_PROBING tok-1", "UNKNOWN_TOKEN_USED ghost", "UNUSED_TOKEN tok-2"),
                first.stream().map(s -> s.substring(0, s.lastIndexOf(' '))).toList());
    }

    @Test
    void aRedeliveredUsageEventChangesNothing() {
        try (Fleet f = new Fleet(dir)) {
            f.issue("tok-1", T0);
            TokenUsageEvent probe = Pipeline.usage("same-id", "tok-1", at(days(1))).setScope("admin")
                    .setOutcome(io.tokenpulse.avro.UsageOutcome.DENIED_SCOPE).setCount(6).build();
            f.usageEvent(probe).usageEvent(probe);
            assertEquals(List.of(), f.newAlerts(AlertType.SCOPE_PROBING), "6 attempts, not 12");
            assertEquals(1, f.state("tok-1").getActivity().getProbeTimes().size());
        }
    }

    @Test
    void anIdleLiveSystemStillNoticesATokenGoingUnused() {
        // A policy of one minute, so that wall-clock time can get there in a test
        try (Fleet f = new Fleet(dir, Map.of("detect.idle.after", "PT10S", "detect.tick", "PT1S"))) {
            f.policy(b -> b.setUnusedAfterMs(Duration.ofMinutes(1).toMillis()));
            f.issue("tok-1", Pipeline.NOW.minusSeconds(30));
            f.use("tok-1", Pipeline.NOW.minusSeconds(20));
            // No more records: only the wall clock moves
            // Event time moves on from the last stream time (NOW - 20 s) at wall-clock speed once idle; the deadline is
            // the last use + 1 min = NOW + 40 s, reached when the wall clock is at NOW + 60 s.
            f.p.driver.advanceWallClockTime(Duration.ofSeconds(20));
            f.p.driver.advanceWallClockTime(Duration.ofSeconds(39));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN), "59 s of wall clock: event time NOW + 39 s, not yet");
            f.p.driver.advanceWallClockTime(Duration.ofSeconds(2));
            List<TokenAlert> alerts = f.newAlerts(AlertType.UNUSED_TOKEN);
            assertEquals(1, alerts.size());
            assertEquals(Pipeline.NOW.plusSeconds(40), alerts.get(0).getEventTime(), "dated at the deadline, not the tick");
        }
    }
}
