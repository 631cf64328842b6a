package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.TokenAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Scores alerts and incidents against a ground truth.
 *
 * <p>Matching: an alert matches a truth entry of the same type, tenant and tokenId whose eventTime is within
 * {@code tolerance} of the alert's. Per token and type, truth entries are taken in time order and each takes the
 * nearest unmatched alert, so a token that rightly alerts twice (an episode that re-arms, an event condition
 * after its cooldown) needs two alerts. The tolerance exists because some conditions reach a token through
 * another partition (a retirement, a replacement) and the alert then carries the token's own event time, which
 * may be a little later than the fact; deadline and use conditions match to the millisecond.
 *
 * <p>Only alerts of the truth's tenants count. An unmatched alert after the truth window is left out, not
 * counted as a false positive: the truth does not cover the last simulated day.
 */
public final class Scorer {
    public static final Duration DEFAULT_TOLERANCE = Duration.ofHours(24);
    private static final int MAX_EXAMPLES = 40;

    private final Duration tolerance;

    public Scorer(Duration tolerance) {
        this.tolerance = tolerance;
    }

    public Score score(GroundTruth truth, List<TokenAlert> alerts, Map<String, IncidentTimeline> incidents) {
        Set<String> tenants = new HashSet<>(truth.tenants());
        long until = truth.truthUntil();
        long tol = tolerance.toMillis();
        List<String> examples = new ArrayList<>();

        Set<String> ids = new HashSet<>();
        long duplicates = 0;
        Map<String, List<TokenAlert>> alertsByKey = new HashMap<>();
        for (TokenAlert a : alerts) {
            if (!tenants.contains(a.getTenant())) {
                continue;
            }
            if (!ids.add(a.getAlertId())) {
                duplicates++;
                continue;
            }
            alertsByKey.computeIfAbsent(key(a.getType(), a.getTenant(), a.getTokenId()), k -> new ArrayList<>()).add(a);
        }
        Map<String, List<TruthEntry>> truthByKey = new HashMap<>();
        for (TruthEntry t : truth.alerts()) {
            truthByKey.computeIfAbsent(key(t.type(), t.tenant(), t.tokenId()), k -> new ArrayList<>()).add(t);
        }

        Map<AlertType, int[]> counts = new EnumMap<>(AlertType.class); // truth, alerted, tp
        Map<AlertType, List<Long>> offsets = new EnumMap<>(AlertType.class);
        for (AlertType type : AlertType.values()) {
            counts.put(type, new int[3]);
            offsets.put(type, new ArrayList<>());
        }
        long outside = 0;
        Set<String> keys = new HashSet<>(truthByKey.keySet());
        keys.addAll(alertsByKey.keySet());
        List<String> sortedKeys = new ArrayList<>(keys);
        sortedKeys.sort(Comparator.naturalOrder());
        for (String k : sortedKeys) {
            List<TruthEntry> ts = new ArrayList<>(truthByKey.getOrDefault(k, List.of()));
            ts.sort(Comparator.comparingLong(TruthEntry::eventTime));
            List<TokenAlert> as = new ArrayList<>(alertsByKey.getOrDefault(k, List.of()));
            as.sort(Comparator.comparing(TokenAlert::getEventTime));
            boolean[] used = new boolean[as.size()];
            AlertType type = !ts.isEmpty() ? ts.get(0).type() : as.get(0).getType();
            int[] c = counts.get(type);
            // Exact times first: otherwise a missed first occurrence would take the next one's alert and the miss
            // would be reported on the wrong (last) occurrence.
            int[] match = new int[ts.size()];
            java.util.Arrays.fill(match, -1);
            for (int j = 0; j < ts.size(); j++) {
                for (int i = 0; i < as.size(); i++) {
                    if (!used[i] && as.get(i).getEventTime().toEpochMilli() == ts.get(j).eventTime()) {
                        used[i] = true;
                        match[j] = i;
                        break;
                    }
                }
            }
            for (int j = 0; j < ts.size(); j++) {
                TruthEntry t = ts.get(j);
                c[0]++;
                int best = match[j];
                if (best < 0) {
                    long bestGap = Long.MAX_VALUE;
                    for (int i = 0; i < as.size(); i++) {
                        long gap = Math.abs(as.get(i).getEventTime().toEpochMilli() - t.eventTime());
                        if (!used[i] && gap <= tol && gap < bestGap) {
                            best = i;
                            bestGap = gap;
                        }
                    }
                }
                if (best >= 0) {
                    used[best] = true;
                    c[1]++;
                    c[2]++;
                    offsets.get(type).add(as.get(best).getEventTime().toEpochMilli() - t.eventTime());
                } else if (examples.size() < MAX_EXAMPLES) {
                    examples.add("missed " + type + " " + t.tokenId() + " at " + GroundTruth.iso(t.eventTime()) + " (" + t.story() + ")");
                }
            }
            for (int i = 0; i < as.size(); i++) {
                if (used[i]) {
                    continue;
                }
                TokenAlert a = as.get(i);
                if (a.getEventTime().toEpochMilli() > until) {
                    outside++;
                    continue;
                }
                c[1]++;
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add("unexpected " + type + " " + a.getTokenId() + " at " + a.getEventTime() + ": " + a.getSummary());
                }
            }
        }
        List<Score.TypeScore> types = new ArrayList<>();
        for (AlertType type : AlertType.values()) {
            int[] c = counts.get(type);
            types.add(new Score.TypeScore(type, c[0], c[1], c[2], c[1] == 0 ? null : (double) c[2] / c[1],
                    c[0] == 0 ? null : (double) c[2] / c[0], Stats.of(offsets.get(type))));
        }
        int measuredIncidents = 0;
        for (IncidentTruth i : truth.incidents()) {
            if (incidents.containsKey(i.tokenId())) {
                measuredIncidents++;
            }
        }
        List<Score.MetricScore> metrics = List.of(
                metric("timeToDetect", truth, incidents, IncidentTruth::timeToDetectMs, IncidentTimeline::getTimeToDetectMs),
                metric("timeToRevoke", truth, incidents, IncidentTruth::timeToRevokeMs, IncidentTimeline::getTimeToRevokeMs),
                metric("timeToReplace", truth, incidents, IncidentTruth::timeToReplaceMs, IncidentTimeline::getTimeToReplaceMs));
        return new Score(until, tol, types, metrics, truth.incidents().size(), measuredIncidents, outside, duplicates, examples);
    }

    /** The true values over every true incident; the measured ones over the pipeline's timelines of those tokens. */
    private static Score.MetricScore metric(String name, GroundTruth truth, Map<String, IncidentTimeline> incidents,
                                            Function<IncidentTruth, Long> trueValue, Function<IncidentTimeline, Long> measuredValue) {
        List<Long> t = new ArrayList<>();
        List<Long> m = new ArrayList<>();
        for (IncidentTruth i : truth.incidents()) {
            if (trueValue.apply(i) != null) {
                t.add(trueValue.apply(i));
            }
            IncidentTimeline timeline = incidents.get(i.tokenId());
            if (timeline != null && measuredValue.apply(timeline) != null) {
                m.add(measuredValue.apply(timeline));
            }
        }
        return new Score.MetricScore(name, Stats.of(t), Stats.of(m));
    }

    private static String key(AlertType type, String tenant, String tokenId) {
        return type.name() + '\u0000' + tenant + '\u0000' + tokenId;
    }
}
