package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import java.util.List;

/**
 * The result of comparing a run's alerts and incidents with its ground truth.
 *
 * @param alertsOutsideWindow alerts after the truth window that matched nothing (neither counted as false
 *                            positives nor as hits: the truth does not say what should happen there)
 * @param duplicateAlerts     alerts whose alertId was already seen (exactly-once says there should be none)
 */
public record Score(long truthUntil, long toleranceMs, List<TypeScore> types, List<MetricScore> metrics,
                    int incidentsTrue, int incidentsMeasured, long alertsOutsideWindow, long duplicateAlerts,
                    List<String> examples) {

    /**
     * One alert type. {@code offset} is alert eventTime minus truth eventTime over the matches.
     * Precision is null without alerts, recall null without truth.
     */
    public record TypeScore(AlertType type, int truth, int alerted, int truePositives, Double precision, Double recall,
                            Stats offset) {
    }

    /** One of the contract's incident metrics: the truth's values against the pipeline's IncidentTimeline values. */
    public record MetricScore(String metric, Stats truth, Stats measured) {
    }

    public TypeScore type(AlertType type) {
        return types.stream().filter(t -> t.type() == type).findFirst().orElseThrow();
    }
}
