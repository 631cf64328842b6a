package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Topic;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The determinism contract, property-based: the same records, sent in any interleaving of the topics and with each
 * topic's records out of event-time order by at most {@code lateness}, with some sent twice, give exactly the same
 * alerts, actions, incidents and reports as the same records sent in order. The scenario touches every alert type
 * and every fact that crosses tasks (replacements, their first use, retirements, policies in time).
 */
class InterleavingTest {
    private static final Duration LATENESS = Duration.ofHours(1);
    private static final Instant T0 = Pipeline.NOW.minus(Duration.ofDays(200));
    static final Map<String, String> SETTINGS = Map.of(
            AppConfig.LATENESS, LATENESS.toString(),
            AppConfig.DETECT_IDLE_AFTER, "PT30S",
            AppConfig.REPORTS_GRACE, "PT1H");
    static final List<Input> SCENARIO = scenario();
    private static Outputs inOrder;

    @Property(tries = 12, seed = "20261201")
    void anyInterleavingWithinLatenessGivesTheOutputsOfTheOrderedInput(@ForAll @LongRange(min = 1) long seed) {
        Outputs expected = ordered();
        Outputs got = run(shuffled(new Random(seed)));
        same(expected.alerts(), got.alerts(), "alerts");
        same(expected.actions(), got.actions(), "actions");
        same(expected.incidents(), got.incidents(), "incidents");
        same(expected.reports(), got.reports(), "reports");
    }

    /** Equal lists, or a failure that shows the first record that differs rather than two walls of text. */
    private static void same(List<String> expected, List<String> got, String what) {
        for (int i = 0; i < Math.min(expected.size(), got.size()); i++) {
            assertEquals(expected.get(i), got.get(i), what + ": first difference at key #" + i);
        }
        assertEquals(expected.size(), got.size(), what + ": count");
    }

    /** The baseline covers what the scenario is about: a harness over empty outputs would prove nothing. */
    @Property(tries = 1)
    void theOrderedScenarioRaisesEveryAlertType() {
        Set<AlertType> raised = ordered().alerts().stream()
                .map(a -> AlertType.valueOf(a.replaceAll("(?s).*?\"type\": \"([A-Z_]*)\".*", "$1")))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(AlertType.class)));
        assertEquals(EnumSet.allOf(AlertType.class), raised);
        assertTrue(ordered().incidents().size() >= 4, ordered().incidents().toString());
        assertTrue(ordered().reports().size() > 10, "reports: " + ordered().reports().size());
    }

    private static synchronized Outputs ordered() {
        if (inOrder == null) {
            List<Input> sorted = new ArrayList<>(SCENARIO);
            sorted.sort(Comparator.comparingLong(Input::at));
            inOrder = run(sorted);
        }
        return inOrder;
    }

    /**
     * Each topic's records in event-time order, each displaced by up to the lateness (sorted on time plus a random
     * delay), a tenth of the usage sent twice; then the topics interleaved at random. Policies go first: SPEC's promise
     * covers a policy published before the data it governs.
     */
    static List<Input> shuffled(Random random) {
        Map<String, List<Input>> byTopic = new TreeMap<>();
        List<Input> policies = new ArrayList<>();
        for (Input in : SCENARIO) {
            if (in.topic().equals("policies")) {
                policies.add(in);
                continue;
            }
            byTopic.computeIfAbsent(in.topic(), k -> new ArrayList<>()).add(in);
            if (in.topic().equals("usage") && random.nextInt(10) == 0) {
                byTopic.get(in.topic()).add(in);
            }
        }
        List<ArrayList<Input>> queues = new ArrayList<>();
        for (List<Input> records : byTopic.values()) {
            Map<Input, Long> key = new java.util.IdentityHashMap<>();
            records.forEach(r -> key.put(r, r.at() + (long) (random.nextDouble() * LATENESS.toMillis())));
            ArrayList<Input> q = new ArrayList<>(records);
            q.sort(Comparator.comparingLong(key::get));
            queues.add(q);
        }
        List<Input> out = new ArrayList<>(policies);
        while (queues.stream().anyMatch(q -> !q.isEmpty())) {
            List<ArrayList<Input>> open = queues.stream().filter(q -> !q.isEmpty()).toList();
            ArrayList<Input> q = open.get(random.nextInt(open.size()));
            int burst = 1 + random.nextInt(20);
            for (int i = 0; i < burst && !q.isEmpty(); i++) {
                out.add(q.remove(0));
            }
        }
        return out;
    }

    private static Outputs run(List<Input> inputs) {
        Path dir;
        try {
            dir = Files.createTempDirectory("interleaving");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Pipeline p = new Pipeline(dir, SETTINGS)) {
            deliver(p, inputs);
            assertEquals(0, p.topology.late().lateCount(), "nothing is late: every record is within the lateness");
            assertEquals(List.of(), p.deadLetters(), "no dead letters");
            // A tenant's reports (per tenant and per owner, several windows) close in batches whose order is
            // not part of the contract: they are compared as a set. Incidents keep their order per token.
            List<String> reports = new ArrayList<>(p.read(p.topics.reports()).stream().map(r -> String.valueOf(r.value())).toList());
            reports.sort(null);
            return new Outputs(lines(p.read(p.topics.alerts())), lines(p.read(p.topics.actions())),
                    lines(p.read(p.topics.incidents())), reports);
        }
    }

    /**
     * Sends the inputs as one backfill: the policies first, then (once their partition went quiet, and with it
     * everything else) the rest starting on every partition at once; then the sources go idle and what is held is
     * judged.
     */
    static void deliver(Pipeline p, List<Input> inputs) {
        boolean policiesSettled = false;
        for (Input in : inputs) {
            if (!policiesSettled && !in.topic().equals("policies")) {
                p.driver.advanceWallClockTime(Duration.ofSeconds(31));
                policiesSettled = true;
            }
            switch (in.topic()) {
                case "lifecycle" -> send(p, p.topics.lifecycle(), in);
                case "usage" -> send(p, p.topics.usage(), in);
                case "deployments" -> send(p, p.topics.deployments(), in);
                case "policies" -> send(p, p.topics.policies(), in);
                default -> throw new IllegalStateException(in.topic());
            }
        }
        p.driver.advanceWallClockTime(Duration.ofSeconds(31));
        p.driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    @SuppressWarnings("unchecked")
    private static <V> void send(Pipeline p, Topic<String, V> topic, Input in) {
        p.send(topic, in.key(), (V) in.value());
    }

    /**
     * Each record as "key, its position among that key's records, value", sorted: the contract is about the set of
     * records, and each key's records keep their order (an incident's steps, an alert's episodes).
     */
    private static List<String> lines(List<? extends TestRecord<String, ?>> records) {
        Map<String, Integer> position = new TreeMap<>();
        List<String> out = new ArrayList<>();
        for (TestRecord<String, ?> r : records) {
            int n = position.merge(r.key(), 1, Integer::sum);
            out.add(r.key() + " #" + n + " " + r.value());
        }
        out.sort(null);
        return out;
    }

    record Outputs(List<String> alerts, List<String> actions, List<String> incidents, List<String> reports) {
    }

    record Input(String topic, String key, SpecificRecord value, long at) {
    }

    // ---- the scenario: every alert type, every cross-task fact ------------------------------------------

    private static List<Input> scenario() {
        List<Input> in = new ArrayList<>();
        int[] seq = {0};
        java.util.function.BiFunction<String, Long, Instant> t = (s, m) -> T0.plus(Duration.parse(s)).plusMillis(m);
        // Policies: shorter windows from the start; from day 60 a stricter unusedAfter (policies in time).
        in.add(policy(TokenPolicy.newBuilder().setTenant("acme").setUnusedAfterMs(days(30)).setScopeObservationMs(days(30))
                .setSourceLearningMs(days(3)).build(), Long.MIN_VALUE));
        in.add(policy(TokenPolicy.newBuilder().setTenant("acme").setUnusedAfterMs(days(20)).setScopeObservationMs(days(30))
                .setSourceLearningMs(days(3)).setEffectiveFrom(t.apply("P60D", 0L)).build(), Long.MIN_VALUE));
        // A clock token used every 6 hours keeps every partition moving.
        for (int h = 0; h < 24 * 130; h += 6) {
            in.add(use(seq, "clock", t.apply("PT" + h + "H", 0L), b -> b.setTenant("clock-tenant")));
        }
        // over-privileged, then unused (judged by the day-60 policy)
        in.add(life(seq, "op", LifecycleType.ISSUED, t.apply("PT0S", 0L), b -> b.setScopes(List.of("read", "write"))
                .setExpiresAt(t.apply("P80D", 0L))));
        for (int d = 1; d < 40; d++) {
            in.add(use(seq, "op", t.apply("P" + d + "D", 5L), b -> b.setScope("read")));
        }
        // expiring without a replacement; expiring with one issued (and first used) in time; ephemeral
        in.add(life(seq, "exp-alone", LifecycleType.ISSUED, t.apply("P1D", 0L), b -> b.setExpiresAt(t.apply("P50D", 0L))));
        in.add(life(seq, "exp-repl", LifecycleType.ISSUED, t.apply("P1D", 0L), b -> b.setExpiresAt(t.apply("P50D", 0L))));
        in.add(life(seq, "exp-new", LifecycleType.ROTATED, t.apply("P40D", 0L), b -> b.setReplacesTokenId("exp-repl")
                .setScopes(List.of("repo:read", "admin")).setExpiresAt(t.apply("P85D", 0L))));
        in.add(use(seq, "exp-new", t.apply("P41D", 0L), b -> { }));
        in.add(life(seq, "sts", LifecycleType.ISSUED, t.apply("P2D", 0L), b -> b.setExpiresAt(t.apply("P2DT1H", 0L))));
        in.add(life(seq, "no-expiry", LifecycleType.ISSUED, t.apply("P2D", 0L), b -> b.setExpiresAt(null)));
        // compromised: detected by a signal before the report, revoked, replaced late, the replacement used
        in.add(life(seq, "leak", LifecycleType.ISSUED, t.apply("P3D", 0L), b -> b.setExpiresAt(t.apply("P70D", 0L))));
        for (int d = 4; d < 12; d++) {
            in.add(use(seq, "leak", t.apply("P" + d + "D", 0L), b -> { }));
        }
        in.add(use(seq, "leak", t.apply("P12D", 0L), b -> b.setSourceIp("203.0.113.9")));
        in.add(use(seq, "leak", t.apply("P12D", 1000L), b -> b.setPrincipal("intruder")));
        for (int i = 0; i < 11; i++) {
            in.add(use(seq, "leak", t.apply("P12D", 2000L + i * 1000L), b -> b.setScope("admin").setOutcome(UsageOutcome.DENIED_SCOPE)));
        }
        in.add(life(seq, "leak", LifecycleType.COMPROMISED, t.apply("P12DT2H", 0L), b -> b.setExposedAt(t.apply("P11D", 0L))));
        in.add(life(seq, "leak", LifecycleType.REVOKED, t.apply("P12DT3H", 0L), b -> { }));
        in.add(life(seq, "leak-2", LifecycleType.ROTATED, t.apply("P13DT6H", 0L), b -> b.setReplacesTokenId("leak")
                .setExpiresAt(t.apply("P80D", 0L))));
        in.add(use(seq, "leak-2", t.apply("P13DT7H", 0L), b -> { }));
        in.add(use(seq, "leak", t.apply("P14D", 0L), b -> { }));
        // versions: a token bound to checkout 1.4.2, retired on day 20; another version stays deployed
        in.add(deploy(seq, "checkout", "1.4.2", DeploymentType.DEPLOYED, t.apply("PT0S", 0L)));
        in.add(life(seq, "bound", LifecycleType.ISSUED, t.apply("P5D", 0L), b -> b.setExpiresAt(t.apply("P70D", 0L))));
        in.add(use(seq, "bound", t.apply("P6D", 0L), b -> b.setServiceVersion("1.5.0")));
        in.add(deploy(seq, "checkout", "1.4.2", DeploymentType.RETIRED, t.apply("P20D", 0L)));
        // a spike, a scope change, a token used after expiry and one never known
        in.add(life(seq, "spiky", LifecycleType.ISSUED, t.apply("P1D", 0L), b -> b.setExpiresAt(t.apply("P70D", 0L))));
        for (int d = 2; d < 9; d++) {
            in.add(use(seq, "spiky", t.apply("P" + d + "D", 0L), b -> { }));
        }
        in.add(use(seq, "spiky", t.apply("P9D", 0L), b -> b.setCount(150)));
        in.add(life(seq, "spiky", LifecycleType.SCOPES_CHANGED, t.apply("P10D", 0L), b -> b.setScopes(List.of("repo:read", "repo:admin"))));
        in.add(life(seq, "short", LifecycleType.ISSUED, t.apply("P1D", 0L), b -> b.setExpiresAt(t.apply("P3D", 0L))));
        in.add(use(seq, "short", t.apply("P4D", 0L), b -> b.setOutcome(UsageOutcome.DENIED_EXPIRED)));
        in.add(use(seq, "ghost", t.apply("P15D", 0L), b -> { }));
        return in;
    }

    private static long days(int d) {
        return Duration.ofDays(d).toMillis();
    }

    private static Input life(int[] seq, String token, LifecycleType type, Instant at,
                              java.util.function.Consumer<TokenLifecycleEvent.Builder> edit) {
        TokenLifecycleEvent.Builder b = Pipeline.lifecycle("l" + seq[0]++, token, type, at)
                .setScopes(List.of("repo:read", "repo:write")).setExpiresAt(at.plus(Duration.ofDays(60)));
        edit.accept(b);
        return new Input("lifecycle", token, b.build(), at.toEpochMilli());
    }

    private static Input use(int[] seq, String token, Instant at, java.util.function.Consumer<TokenUsageEvent.Builder> edit) {
        TokenUsageEvent.Builder b = Pipeline.usage("u" + seq[0]++, token, at).setPrincipal("checkout").setServiceVersion("1.4.2")
                .setSourceIp("10.0.0.1").setUserAgent("checkout/1.4.2");
        edit.accept(b);
        return new Input("usage", token, b.build(), at.toEpochMilli());
    }

    private static Input deploy(int[] seq, String service, String version, DeploymentType type, Instant at) {
        return new Input("deployments", io.tokenpulse.schemas.Keys.deployment("acme", service, version),
                ServiceDeploymentEvent.newBuilder().setEventId("d" + seq[0]++).setTenant("acme").setService(service)
                        .setVersion(version).setType(type).setOccurredAt(at).build(), at.toEpochMilli());
    }

    private static Input policy(TokenPolicy p, long at) {
        return new Input("policies", p.getTenant(), p, at);
    }
}
