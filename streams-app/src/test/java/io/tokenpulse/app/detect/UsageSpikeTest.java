package io.tokenpulse.app.detect;

import static io.tokenpulse.app.detect.Fleet.T0;
import static io.tokenpulse.app.detect.Fleet.at;
import static io.tokenpulse.app.detect.Fleet.days;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.UsageOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageSpikeTest {
    /** Epoch-aligned 5-minute windows: T0 is at 12:00:00, so windows start at T0 + k * 5 min. */
    private static final Duration W = Duration.ofMinutes(5);

    @TempDir
    Path stateDir;

    @Test
    void aWindowAboveTenTimesTheMeanAndAtLeastAHundredAlertsOnce() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            Duration start = days(1);
            // Ten windows of history with 10 uses each (mean 10; windows 10..19 empty would lower it, so keep them busy)
            for (int w = 0; w < 10; w++) {
                f.use("tok-1", at(start.plus(W.multipliedBy(w))), b -> b.setCount(10));
            }
            Duration spike = start.plus(W.multipliedBy(10));
            f.use("tok-1", at(spike), b -> b.setCount(100));
            assertEquals(List.of(), f.newAlerts(AlertType.USAGE_SPIKE), "100 is not more than 10 x 10");
            f.use("tok-1", at(spike.plusSeconds(10)), b -> b.setCount(1));
            List<TokenAlert> alerts = f.newAlerts(AlertType.USAGE_SPIKE);
            assertEquals(1, alerts.size());
            assertEquals("101", alerts.get(0).getEvidence().get("usesInWindow"));
            assertEquals("10.000", alerts.get(0).getEvidence().get("meanPerWindow"));
            assertEquals(at(spike.plusSeconds(10)), alerts.get(0).getEventTime());
            f.use("tok-1", at(spike.plusSeconds(20)), b -> b.setCount(500));
            assertEquals(List.of(), f.newAlerts(AlertType.USAGE_SPIKE), "one alert per window");
        }
    }

    @Test
    void emptyWindowsCountAsZeroAndTheMinimumCountHolds() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)), b -> b.setCount(50));
            // 99 windows later: mean 50/100 = 0.5 per window, so 99 uses are 198x the mean but below spikeMinCount
            Duration later = days(1).plus(W.multipliedBy(100));
            f.use("tok-1", at(later), b -> b.setCount(99));
            assertEquals(List.of(), f.newAlerts(AlertType.USAGE_SPIKE));
            f.use("tok-1", at(later.plusSeconds(1)), b -> b.setCount(1));
            List<TokenAlert> alerts = f.newAlerts(AlertType.USAGE_SPIKE);
            assertEquals(1, alerts.size());
            assertEquals("0.500", alerts.get(0).getEvidence().get("meanPerWindow"));
        }
    }

    @Test
    void aSpikeIsTheConditionsOwnAlertAndLaterSpikesFoldWithinTheCooldown() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            Duration start = days(1);
            for (int w = 0; w < 10; w++) {
                f.use("tok-1", at(start.plus(W.multipliedBy(w))), b -> b.setCount(10));
            }
            Duration spike = start.plus(W.multipliedBy(10));
            // all outcomes count
            f.use("tok-1", at(spike), b -> b.setEventId("burst-1").setCount(200).setOutcome(UsageOutcome.DENIED_SCOPE)
                    .setScope("admin"));
            TokenAlert a = f.one(AlertType.USAGE_SPIKE);
            assertEquals(at(spike), a.getEventTime());
            assertEquals(Fleet.alertId(AlertType.USAGE_SPIKE, "tok-1", at(spike), "burst-1"), a.getAlertId());
            assertEquals(at(spike).toString(), a.getEvidence().get("windowStart"));
            assertEquals("200", a.getEvidence().get("usesInWindow"));
            assertEquals(ActionType.INVESTIGATE, a.getAction());
            // the next window spikes too, within the hour: folded
            f.use("tok-1", at(spike.plus(W)), b -> b.setCount(300));
            assertEquals(List.of(), f.newAlerts(AlertType.USAGE_SPIKE));
            // two hours later: mean (100 + 200 + 300) / 34 windows = 17.6, so 500 spikes and alerts again
            f.use("tok-1", at(spike.plus(W.multipliedBy(24))), b -> b.setCount(500));
            TokenAlert again = f.one(AlertType.USAGE_SPIKE);
            assertEquals("1", again.getEvidence().get("foldedSincePreviousAlert"));
            assertEquals("17.647", again.getEvidence().get("meanPerWindow"));
        }
    }

    @Test
    void aFirstWindowHasNoHistoryToCompareWith() {
        try (Fleet f = new Fleet(stateDir)) {
            f.issue("tok-1", T0);
            f.use("tok-1", at(days(1)), b -> b.setCount(5000));
            assertEquals(List.of(), f.newAlerts(AlertType.USAGE_SPIKE));
        }
    }
}
