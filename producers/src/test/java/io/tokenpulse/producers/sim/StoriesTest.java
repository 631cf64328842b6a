package io.tokenpulse.producers.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.AlertType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each story raises the alerts it declares: in the truth of a 10-day and a 30-day run, every entry belongs to one
 * story, and per story the types seen are exactly its {@link Story#alerts()} plus, at most, its
 * {@link Story#incidental()} ones.
 */
class StoriesTest {
    private static final List<SimConfig> RUNS = List.of(new SimConfig(2, 400, 10, 21), new SimConfig(2, 400, 30, 21));
    private static final Map<Story, Set<AlertType>> SEEN = new LinkedHashMap<>();

    @BeforeAll
    static void run() throws Exception {
        FleetPlanner.stories().forEach(s -> SEEN.put(s, EnumSet.noneOf(AlertType.class)));
        for (SimConfig config : RUNS) {
            GroundTruth truth = new Simulator(config).run(e -> { });
            for (TruthEntry t : truth.alerts()) {
                SEEN.get(owner(t.story())).add(t.type());
            }
        }
    }

    private static Story owner(String label) {
        List<Story> owners = FleetPlanner.stories().stream().filter(s -> s.owns(label)).toList();
        assertEquals(1, owners.size(), "stories owning '" + label + "': " + owners);
        return owners.get(0);
    }

    @Test
    void everyStoryRaisesExactlyWhatItDeclares() {
        for (Map.Entry<Story, Set<AlertType>> e : SEEN.entrySet()) {
            Story story = e.getKey();
            Set<AlertType> designed = EnumSet.noneOf(AlertType.class);
            designed.addAll(e.getValue());
            designed.removeAll(story.incidental());
            assertEquals(story.alerts(), designed, story + ": declared alerts vs the truth's (less its incidental ones)");
        }
    }

    @Test
    void theHealthyStoryRaisesNothing() {
        assertEquals(Set.of(), FleetPlanner.HEALTHY.alerts());
        assertEquals(Set.of(), SEEN.get(FleetPlanner.HEALTHY));
    }

    @Test
    void everyPlannedTokenCarriesTheLabelOfOneStory() {
        FleetPlan plan = new FleetPlanner(RUNS.get(1)).plan();
        Set<String> labels = FleetPlanner.storyCounts(plan).keySet();
        labels.forEach(StoriesTest::owner);
        for (Story s : FleetPlanner.stories()) {
            assertTrue(labels.contains(s.label()), "no token of " + s + " in " + labels);
        }
    }

    @Test
    void thePlantedSharesLeaveMostTokensHealthy() {
        double planted = FleetPlanner.PLANTED.stream().mapToDouble(Story::share).sum();
        assertTrue(planted > 0 && planted < 0.5, "planted shares add up to " + planted);
        assertFalse(FleetPlanner.PLANTED.contains(FleetPlanner.HEALTHY));
    }
}
