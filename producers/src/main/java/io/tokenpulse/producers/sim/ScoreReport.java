package io.tokenpulse.producers.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/** A {@link Score} as a table for people and as JSON for scripts and tests. */
public final class ScoreReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScoreReport() {
    }

    public static String table(Score s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Alerts (truth up to %s; match: same type and token, eventTime within %s)%n",
                GroundTruth.iso(s.truthUntil()), Duration.ofMillis(s.toleranceMs())));
        b.append(String.format(Locale.ROOT, "%-24s %7s %8s %7s %10s %7s  %s%n", "type", "truth", "alerted", "TP",
                "precision", "recall", "alert-truth offset p50/p95"));
        for (Score.TypeScore t : s.types()) {
            b.append(String.format(Locale.ROOT, "%-24s %7d %8d %7d %10s %7s  %s%n", t.type(), t.truth(), t.alerted(),
                    t.truePositives(), ratio(t.precision()), ratio(t.recall()),
                    t.offset().n() == 0 ? "-" : human(t.offset().p50()) + " / " + human(t.offset().p95())));
        }
        b.append(String.format(Locale.ROOT, "%d alert(s) after the truth window not scored; %d duplicate alert id(s).%n",
                s.alertsOutsideWindow(), s.duplicateAlerts()));
        b.append(String.format(Locale.ROOT, "%nIncidents: %d in the truth, %d with a timeline from the pipeline%n",
                s.incidentsTrue(), s.incidentsMeasured()));
        b.append(String.format(Locale.ROOT, "%-14s %-34s %s%n", "metric", "true (n, mean, p50, p95)", "measured (n, mean, p50, p95)"));
        for (Score.MetricScore m : s.metrics()) {
            b.append(String.format(Locale.ROOT, "%-14s %-34s %s%n", m.metric(), stats(m.truth()), stats(m.measured())));
        }
        return b.toString();
    }

    public static String json(Score s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("truthUntil", GroundTruth.iso(s.truthUntil()));
        root.put("tolerance", Duration.ofMillis(s.toleranceMs()).toString());
        ArrayNode types = root.putArray("types");
        for (Score.TypeScore t : s.types()) {
            ObjectNode n = types.addObject();
            n.put("type", t.type().name());
            n.put("truth", t.truth());
            n.put("alerted", t.alerted());
            n.put("truePositives", t.truePositives());
            n.put("precision", t.precision());
            n.put("recall", t.recall());
            n.set("offsetMs", stats(t.offset(), JSON.createObjectNode()));
        }
        root.put("alertsOutsideWindow", s.alertsOutsideWindow());
        root.put("duplicateAlerts", s.duplicateAlerts());
        ObjectNode inc = root.putObject("incidents");
        inc.put("truth", s.incidentsTrue());
        inc.put("measured", s.incidentsMeasured());
        ArrayNode metrics = root.putArray("metrics");
        for (Score.MetricScore m : s.metrics()) {
            ObjectNode n = metrics.addObject();
            n.put("metric", m.metric());
            n.set("truth", stats(m.truth(), JSON.createObjectNode()));
            n.set("measured", stats(m.measured(), JSON.createObjectNode()));
        }
        root.set("examples", JSON.valueToTree(s.examples()));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static ObjectNode stats(Stats s, ObjectNode n) {
        n.put("n", s.n());
        n.put("meanMs", s.mean() == null ? null : Math.round(s.mean()));
        n.put("p50Ms", s.p50());
        n.put("p95Ms", s.p95());
        return n;
    }

    private static String stats(Stats s) {
        if (s.n() == 0) {
            return "n=0";
        }
        return String.format(Locale.ROOT, "n=%d %s %s %s", s.n(), human(Math.round(s.mean())), human(s.p50()), human(s.p95()));
    }

    private static String ratio(Double r) {
        return r == null ? "-" : String.format(Locale.ROOT, "%.3f", r);
    }

    /** 1d2h, 3h4m, 5m6s, 7s, 120ms; negative with a minus. */
    static String human(long ms) {
        if (ms < 0) {
            return "-" + human(-ms);
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        Duration d = Duration.ofMillis(ms);
        if (d.toDays() > 0) {
            return d.toDays() + "d" + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }
}
