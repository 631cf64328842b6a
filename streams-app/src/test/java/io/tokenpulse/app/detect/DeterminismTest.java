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
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.state.TokenState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
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

    /** Every alert type of the contract (docs/CONTRACT.md), each raised by its own token, in one stream of events that ends near NOW. */
    private static final Consumer<Fleet> EVERY_TYPE = f -> {
        f.issue("unused", T0);
        f.issue("overpriv", T0);
        f.use("overpriv", at(days(10)), b -> b.setScope("repo:read"));
        f.issue("creep", T0, List.of("repo:read"), at(days(80)));
        f.lifecycle("creep", LifecycleType.SCOPES_CHANGED, at(days(1)), b -> b.setScopes(List.of("repo:read", "admin:org")));
        f.lifecycle("creep-new", LifecycleType.ROTATED, at(days(2)), b -> b.setScopes(List.of("repo:read", "repo:delete"))
                .setReplacesTokenId("creep").setExpiresAt(at(days(80))));
        f.issue("probe", T0);
        f.denied("probe", at(days(2)), "admin", 10);
        f.issue("revoked", T0);
        f.lifecycle("revoked", LifecycleType.REVOKED, at(days(3)), b -> { });
        f.use("revoked", at(days(4)));
        f.issue("expired", T0, List.of("repo:read"), at(days(20)));
        f.use("expired", at(days(21)));
        f.use("ghost", at(days(5)));
        f.issue("newsrc", T0);
        f.use("newsrc", at(days(1)));
        f.use("newsrc", at(days(9)), b -> b.setSourceIp("203.0.113.5"));
        f.issue("spike", T0);
        for (int w = 0; w < 5; w++) {
            f.use("spike", at(days(30).plusMinutes(5L * w)));
        }
        f.use("spike", at(days(30).plusMinutes(25)), b -> b.setCount(150));
        f.issue("mismatch", T0);
        f.use("mismatch", at(days(6)), b -> b.setPrincipal("intruder"));
        f.use("mismatch", at(days(6)), b -> b.setServiceVersion("0.0.1"));
        f.lifecycle("retired", LifecycleType.ISSUED, T0, b -> b.setServiceVersion("0.9.0").setScopes(List.of("a"))
                .setExpiresAt(at(days(80))));
        f.deploy("checkout", "0.9.0", io.tokenpulse.avro.DeploymentType.RETIRED, at(days(7)));
        f.issue("forever", T0, List.of("a"), null);
        f.issue("expiring", T0, List.of("a"), at(days(60)));
        f.issue("compromised", T0);
        f.lifecycle("compromised", LifecycleType.COMPROMISED, at(days(8)), b -> { });
        f.tick(Pipeline.NOW);
    };

    @Test
    void everyAlertTypeReplayedIntoAFreshPipelineGetsTheSameIdsAndTimes() {
        List<String> first;
        List<String> second;
        try (Fleet f = new Fleet(dir.resolve("one"))) {
            EVERY_TYPE.accept(f);
            first = f.newAlerts().stream().map(a -> a.getType() + " " + a.getTokenId() + " " + a.getEventTime() + " "
                    + a.getAlertId()).sorted().toList();
            assertEquals(EnumSet.allOf(AlertType.class), first.stream().map(s -> AlertType.valueOf(s.substring(0, s.indexOf(' '))))
                    .collect(java.util.stream.Collectors.toCollection(() -> EnumSet.noneOf(AlertType.class))), first.toString());
        }
        try (Fleet f = new Fleet(dir.resolve("two"))) {
            EVERY_TYPE.accept(f);
            second = f.newAlerts().stream().map(a -> a.getType() + " " + a.getTokenId() + " " + a.getEventTime() + " "
                    + a.getAlertId()).sorted().toList();
        }
        assertEquals(first, second);
        assertEquals(first.size(), first.stream().map(s -> s.substring(s.lastIndexOf(' '))).distinct().count(),
                "distinct conditions get distinct ids");
    }

    @Test
    void aRedeliveredLifecycleEventChangesNothing() {
        try (Fleet f = new Fleet(dir)) {
            TokenLifecycleEvent issued = Pipeline.lifecycle("issue-1", "tok-1", LifecycleType.ISSUED, T0)
                    .setScopes(List.of("a")).setExpiresAt(null).build();
            TokenLifecycleEvent rotated = Pipeline.lifecycle("rotate-1", "tok-2", LifecycleType.ROTATED, at(days(1)))
                    .setScopes(List.of("a", "b")).setReplacesTokenId("tok-1").setExpiresAt(at(days(30))).build();
            f.p.send(f.p.topics.lifecycle(), "tok-1", issued);
            f.p.send(f.p.topics.lifecycle(), "tok-2", rotated);
            List<TokenAlert> once = f.newAlerts();
            assertEquals(List.of("EXPIRY_POLICY_VIOLATION tok-1", "SCOPE_CREEP tok-2"),
                    once.stream().map(a -> a.getType() + " " + a.getTokenId()).sorted().toList());
            TokenState before = f.state("tok-1");
            f.p.send(f.p.topics.lifecycle(), "tok-1", issued);
            f.p.send(f.p.topics.lifecycle(), "tok-2", rotated);
            assertEquals(List.of(), f.newAlerts());
            assertEquals(before, f.state("tok-1"));
        }
    }
}
