package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.Severity;
import io.tokenpulse.avro.TokenAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnusedTokenTest {
    @TempDir
    Path stateDir;

    @Test
    void aTokenNeverUsedForNinetyDaysAlertsOnceAtTheDeadline() {
        try (Fleet f = new Fleet(stateDir)) {
            // Given a token issued at T0 and never used
            f.issue("tok-1", T0);
            // When event time passes the 90-day default, and keeps going
            f.tick(at(days(91)));
            List<TokenAlert> first = f.newAlerts(AlertType.UNUSED_TOKEN);
            f.tick(at(days(150)));
            // Then exactly one alert, at the deadline itself, with what a person needs
            assertEquals(1, first.size(), first.toString());
            TokenAlert a = first.get(0);
            assertEquals("tok-1", a.getTokenId());
            assertEquals(at(days(90)), a.getEventTime());
            assertEquals("never", a.getEvidence().get("lastUsedAt"));
            assertEquals(T0.toString(), a.getEvidence().get("issuedAt"));
            assertEquals(ActionType.REVOKE, a.getAction());
            assertEquals(Severity.LOW, a.getSeverity());
            assertEquals("payments", a.getOwner());
            assertEquals(AlertFactory.alertId(AlertType.UNUSED_TOKEN, "tok-1", at(days(90)).toEpochMilli(), null), a.getAlertId());
            assertTrue(f.actions().stream().anyMatch(x -> x.getTokenId().equals("tok-1") && x.getAction() == ActionType.REVOKE
                    && x.getReason() == AlertType.UNUSED_TOKEN), f.actions().toString());
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN), "the condition persists: no repeat");
        }
    }

    @Test
    void justBeforeTheDeadlineNothingIsRaised() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.tick(at(days(90)).minusMillis(1));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN));
        }
    }

    @Test
    void aUseClearsTheEpisodeAndIdlingAgainAlertsAgain() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.tick(at(days(95)));
            assertEquals(1, f.newAlerts(AlertType.UNUSED_TOKEN).size());
            // When it is used (clears), then idles for another 90 days (recurs)
            f.use("tok-1", at(days(100)));
            f.tick(at(days(189)));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN));
            f.tick(at(days(191)));
            List<TokenAlert> again = f.newAlerts(AlertType.UNUSED_TOKEN);
            // Then a second alert, dated 90 days after the last use
            assertEquals(1, again.size());
            assertEquals(at(days(190)), again.get(0).getEventTime());
            assertEquals(at(days(100)).toString(), again.get(0).getEvidence().get("lastUsedAt"));
        }
    }

    @Test
    void aDeniedUseDoesNotCountAsUseAndAnEndedTokenIsNotJudged() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.denied("tok-1", at(days(50)), "admin", 1);
            f.issue("tok-2", T0);
            f.lifecycle("tok-2", io.tokenpulse.avro.LifecycleType.REVOKED, at(days(30)), b -> { });
            f.tick(at(days(91)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.UNUSED_TOKEN);
            assertEquals(List.of("tok-1"), alerts.stream().map(TokenAlert::getTokenId).toList());
        }
    }

    @Test
    void aTenantPolicyShortensTheWindowWithoutARestart() {
        try (Fleet f = new Fleet(stateDir)) {
            f.policy(b -> b.setUnusedAfterMs(days(10).toMillis()));
            f.issue("tok-1", T0);
            f.tick(at(days(11)));
            List<TokenAlert> alerts = f.newAlerts(AlertType.UNUSED_TOKEN);
            assertEquals(1, alerts.size());
            assertEquals(at(days(10)), alerts.get(0).getEventTime());
        }
    }

    @Test
    void anIdleLiveSystemReachesTheDeadlineByWallClockAndDatesTheAlertAtTheDeadline() {
        // A token whose 90 days end 90 s after the last record (at NOW); then no record at all, only the wall clock moves
        Instant issued = Pipeline.NOW.minus(days(90)).plusSeconds(90);
        try (Fleet f = new Fleet(stateDir, Map.of(AppConfig.DETECT_IDLE_AFTER, "PT1M", AppConfig.DETECT_TICK, "PT1S"))) {
            f.issue("tok-1", issued);
            f.tick(Pipeline.NOW);
            f.newAlerts();
            f.wall(Duration.ofSeconds(59));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN), "not idle for detect.idle.after yet");
            f.wall(Duration.ofSeconds(30));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN), "idle, but event time is only at the deadline - 1 s");
            f.wall(Duration.ofSeconds(2));
            TokenAlert a = f.one(AlertType.UNUSED_TOKEN);
            assertEquals(issued.plus(days(90)), a.getEventTime(), "dated at the deadline, not at the tick");
            // the same id as when stream time reaches the deadline: live and replay agree
            assertEquals(Fleet.alertId(AlertType.UNUSED_TOKEN, "tok-1", issued.plus(days(90)), null), a.getAlertId());
            f.wall(Duration.ofMinutes(10));
            assertEquals(List.of(), f.newAlerts(AlertType.UNUSED_TOKEN), "persists: no repeat");
        }
    }

    @Test
    void theActionAsksToRevokeTheForgottenToken() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.tick(at(days(90)));
            TokenAlert a = f.one(AlertType.UNUSED_TOKEN);
            assertEquals(at(days(90)), a.getEventTime(), "the deadline fires when event time reaches it");
            assertEquals(ActionType.REVOKE, f.actionOf(a).getAction());
            assertEquals(List.of(), f.actionOf(a).getSuggestedScopes());
        }
    }
}
