package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a simulation: plans the fleet, generates it one UTC day at a time, judges every event with the
 * {@link EventOracle} and hands the day to a {@link Sink} in that same event-time order. Returns the ground truth.
 * Pure: no I/O but the sink's.
 */
public final class Simulator {
    /** Where the events go: a publisher, a JSON Lines file, a list in a test. */
    public interface Sink {
        void accept(SimEvent event) throws Exception;

        /** Called after each simulated day, with the number of days done (for progress). */
        default void endOfDay(int daysDone, int days) throws Exception {
        }
    }

    private final SimConfig config;
    private final FleetPlan plan;

    public Simulator(SimConfig config) {
        this(new FleetPlanner(config).plan());
    }

    /** A hand-made plan (tests check the truth of small fleets they can reason about line by line). */
    Simulator(FleetPlan plan) {
        this.config = plan.config();
        this.plan = plan;
    }

    /** Tokens planned (initial ones, their rotations and replacements, unknown ones), by story label. */
    public Map<String, Integer> storyCounts() {
        return FleetPlanner.storyCounts(plan);
    }

    public GroundTruth run(Sink sink) throws Exception {
        Map<String, String> stories = new HashMap<>();
        plan.tokens().forEach(p -> stories.put(p.id, p.story));
        EventOracle oracle = new EventOracle(stories);
        DayGenerator generator = new DayGenerator(plan);
        for (int d = 0; d < config.days(); d++) {
            DayGenerator.Day day = generator.day(d);
            // Published as the oracle sees it, in event-time order: what a gateway live or a sorted backfill delivers.
            for (SimEvent e : judge(oracle, day)) {
                sink.accept(e);
            }
            sink.endOfDay(d + 1, config.days());
        }
        oracle.finish(config.endMs());
        return new TruthBuilder(plan, oracle).build();
    }

    /**
     * The oracle sees the day in event-time order (lifecycle before a use at the same time; they never coincide);
     * returns the day in that order. Policies and deployments have no use at their time, so the stable sort keeps
     * them ahead of what they govern.
     */
    private static List<SimEvent> judge(EventOracle oracle, DayGenerator.Day day) {
        List<SimEvent> all = new ArrayList<>(day.size());
        all.addAll(day.facts());
        all.addAll(day.uses());
        all.sort(Comparator.comparingLong(SimEvent::at));
        for (SimEvent e : all) {
            Object v = e.event().value();
            if (v instanceof TokenLifecycleEvent l) {
                oracle.lifecycle(l);
            } else if (v instanceof TokenUsageEvent u) {
                oracle.usage(u);
            }
        }
        return all;
    }
}
