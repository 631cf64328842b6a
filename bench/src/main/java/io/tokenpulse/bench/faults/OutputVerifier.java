package io.tokenpulse.bench.faults;

import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Proves a disturbed run against an undisturbed one: reads every output topic of both with read_committed and
 * compares them record by record, by identity (alertId, actionId, report window, incident timeline), without the
 * wall-clock fields ({@code emittedAt}, {@code requestedAt}).
 *
 * <p>Only what the determinism contract covers is compared: outputs whose event time is at most the input's last
 * event time ({@code cutoff}). After the input ends, a quiet pipeline moves event time on at wall-clock speed, so
 * what comes later depends on how long each run sat idle; it is counted, not compared.
 */
final class OutputVerifier {
    /** One run's outputs: canonical text by identity, in the order read (a repeated identity shows as a second entry). */
    record RunOutput(Map<String, List<String>> alerts, Map<String, List<String>> actions, Map<String, List<String>> incidents,
                     Map<String, List<String>> reports, Map<String, Instant> alertTimes, Map<String, Instant> reportEnds,
                     Map<String, Instant> incidentTimes) {
        int records() {
            return count(alerts) + count(actions) + count(incidents) + count(reports);
        }

        private static int count(Map<String, List<String>> m) {
            return m.values().stream().mapToInt(List::size).sum();
        }
    }

    /** What the comparison found, per output topic and in total. */
    record Verdict(Map<String, int[]> perTopic, List<String> examples, int beyondCutoffRef, int beyondCutoffRun,
                   int duplicatedAnywhere) {
        // perTopic: {compared, missing, extra, duplicated, changed}
        int missing() {
            return perTopic.values().stream().mapToInt(a -> a[1]).sum();
        }

        int extra() {
            return perTopic.values().stream().mapToInt(a -> a[2]).sum();
        }

        int duplicated() {
            return perTopic.values().stream().mapToInt(a -> a[3]).sum();
        }

        int changed() {
            return perTopic.values().stream().mapToInt(a -> a[4]).sum();
        }

        int compared() {
            return perTopic.values().stream().mapToInt(a -> a[0]).sum();
        }

        boolean identical() {
            return missing() == 0 && extra() == 0 && duplicated() == 0 && changed() == 0 && duplicatedAnywhere == 0;
        }

        String describe() {
            StringBuilder b = new StringBuilder();
            perTopic.forEach((t, a) -> b.append(String.format("  %-16s compared %,7d  missing %d  extra %d  duplicated %d  changed %d%n",
                    t, a[0], a[1], a[2], a[3], a[4])));
            b.append(String.format("  after the input's last event time (not covered by the contract): reference %d, this run %d%n",
                    beyondCutoffRef, beyondCutoffRun));
            b.append(String.format("  ids written more than once anywhere in this run (alerts, actions, reports): %d%n",
                    duplicatedAnywhere));
            examples.stream().limit(10).forEach(e -> b.append("  e.g. ").append(e).append('\n'));
            return b.toString();
        }
    }

    private final Map<String, Object> client;
    private final SchemaRegistryClient registry;

    OutputVerifier(String bootstrap, SchemaRegistryClient registry) {
        this.client = Map.of("bootstrap.servers", bootstrap);
        this.registry = registry;
    }

    RunOutput read(Map<TopicDef, String> topics) {
        Map<String, List<String>> alerts = new TreeMap<>();
        Map<String, Instant> alertTimes = new HashMap<>();
        readAll(topics.get(TopicDef.ALERTS), TokenAlert.class, a -> {
            alerts.computeIfAbsent(a.getAlertId(), k -> new ArrayList<>()).add(canonical(a, "emittedAt"));
            alertTimes.put(a.getAlertId(), a.getEventTime());
        });
        Map<String, List<String>> actions = new TreeMap<>();
        readAll(topics.get(TopicDef.ACTIONS), RemediationAction.class,
                a -> actions.computeIfAbsent(a.getActionId(), k -> new ArrayList<>()).add(canonical(a, "requestedAt")));
        Map<String, List<String>> incidents = new TreeMap<>();
        Map<String, Instant> incidentTimes = new HashMap<>();
        readAll(topics.get(TopicDef.INCIDENTS), IncidentTimeline.class, i -> {
            String text = canonical(i);
            incidents.computeIfAbsent(text, k -> new ArrayList<>()).add(text);
            incidentTimes.put(text, latest(i));
        });
        Map<String, List<String>> reports = new TreeMap<>();
        Map<String, Instant> reportEnds = new HashMap<>();
        readAll(topics.get(TopicDef.REPORTS), PostureReport.class, r -> {
            String id = r.getTenant() + "|" + r.getOwner() + "|" + r.getGranularity() + "|" + r.getWindowStart();
            reports.computeIfAbsent(id, k -> new ArrayList<>()).add(canonical(r));
            reportEnds.put(id, r.getWindowEnd());
        });
        return new RunOutput(alerts, actions, incidents, reports, alertTimes, reportEnds, incidentTimes);
    }

    /** Compares {@code run} to {@code reference} on everything at or before {@code cutoff} (see the class comment). */
    static Verdict compare(RunOutput reference, RunOutput run, Instant cutoff, Duration reportGrace) {
        Map<String, int[]> perTopic = new java.util.LinkedHashMap<>();
        List<String> examples = new ArrayList<>();
        int[] beyond = new int[2];
        Set<String> refAlerts = covered(reference.alerts().keySet(), id -> !reference.alertTimes().get(id).isAfter(cutoff));
        Set<String> runAlerts = covered(run.alerts().keySet(), id -> !run.alertTimes().get(id).isAfter(cutoff));
        perTopic.put("token-alerts", diff("alert", reference.alerts(), run.alerts(), refAlerts, runAlerts, examples));
        // An action is the action of an alert (its id is derived from the alert's): covered when its alert is.
        Set<String> refActionIds = refAlerts.stream().map(OutputVerifier::actionId).collect(Collectors.toSet());
        Set<String> runActionIds = runAlerts.stream().map(OutputVerifier::actionId).collect(Collectors.toSet());
        perTopic.put("token-actions", diff("action", reference.actions(), run.actions(),
                covered(reference.actions().keySet(), refActionIds::contains), covered(run.actions().keySet(), runActionIds::contains),
                examples));
        perTopic.put("token-incidents", diff("incident", reference.incidents(), run.incidents(),
                covered(reference.incidents().keySet(), k -> !reference.incidentTimes().get(k).isAfter(cutoff)),
                covered(run.incidents().keySet(), k -> !run.incidentTimes().get(k).isAfter(cutoff)), examples));
        perTopic.put("token-reports", diff("report", reference.reports(), run.reports(),
                covered(reference.reports().keySet(), k -> !reference.reportEnds().get(k).plus(reportGrace).isAfter(cutoff)),
                covered(run.reports().keySet(), k -> !run.reportEnds().get(k).plus(reportGrace).isAfter(cutoff)), examples));
        int compared = perTopic.values().stream().mapToInt(a -> a[0]).sum();
        beyond[0] = reference.records() - compared;
        beyond[1] = run.records() - compared;
        // "None twice" holds for every record, compared or not.
        int twice = 0;
        for (Map<String, List<String>> m : List.of(run.alerts(), run.actions(), run.reports())) {
            for (Map.Entry<String, List<String>> e : m.entrySet()) {
                if (e.getValue().size() > 1) {
                    twice++;
                    examples.add("written " + e.getValue().size() + " times: " + e.getKey());
                }
            }
        }
        return new Verdict(perTopic, examples, Math.max(0, beyond[0]), Math.max(0, beyond[1]), twice);
    }

    /**
     * Transactions of {@code applicationId} still ONGOING, and output partitions whose last stable offset trails the
     * high watermark (an open transaction holds read_committed readers back there).
     */
    List<String> openTransactions(String applicationId, Map<TopicDef, String> topics) throws Exception {
        List<String> open = new ArrayList<>();
        try (Admin admin = Admin.create(client)) {
            for (TransactionListing t : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
                if (t.transactionalId().startsWith(applicationId) && t.state() == TransactionState.ONGOING) {
                    open.add("transaction " + t.transactionalId() + " ONGOING");
                }
            }
            List<String> outputs = List.of(topics.get(TopicDef.ALERTS), topics.get(TopicDef.ACTIONS),
                    topics.get(TopicDef.INCIDENTS), topics.get(TopicDef.REPORTS));
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(outputs).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            var committed = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            var uncommitted = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            committed.forEach((tp, info) -> {
                long hw = uncommitted.get(tp).offset();
                if (info.offset() != hw) {
                    open.add(tp + " last stable offset " + info.offset() + " < high watermark " + hw);
                }
            });
        }
        return open;
    }

    static String actionId(String alertId) {
        return UUID.nameUUIDFromBytes(("action|" + alertId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Set<String> covered(Set<String> ids, java.util.function.Predicate<String> in) {
        return ids.stream().filter(in).collect(Collectors.toCollection(HashSet::new));
    }

    /** {compared, missing, extra, duplicated, changed} over the covered identities of both runs. */
    private static int[] diff(String what, Map<String, List<String>> ref, Map<String, List<String>> run, Set<String> refIds,
                              Set<String> runIds, List<String> examples) {
        int[] r = new int[5];
        r[0] = refIds.size();
        for (String id : refIds) {
            List<String> got = run.get(id);
            if (got == null) {
                r[1]++;
                examples.add(what + " missing: " + ref.get(id).get(0));
            } else if (!got.get(0).equals(ref.get(id).get(0))) {
                r[4]++;
                examples.add(what + " changed: " + ref.get(id).get(0) + " -> " + got.get(0));
            }
        }
        for (String id : runIds) {
            if (!ref.containsKey(id) || !refIds.contains(id)) {
                r[2]++;
                examples.add(what + " extra: " + run.get(id).get(0));
            }
            if (run.get(id).size() > ref.getOrDefault(id, List.of("")).size()) {
                r[3]++;
                examples.add(what + " written " + run.get(id).size() + " times: " + id);
            }
        }
        return r;
    }

    private <T extends SpecificRecord> void readAll(String topic, Class<T> type, Consumer<T> sink) {
        Map<String, Object> conf = new HashMap<>(client);
        conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        conf.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        SpecificAvroDeserializer<T> values = new SpecificAvroDeserializer<>(type, registry);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(conf, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            // With read_committed, the end offsets are the last stable offsets: everything committed so far.
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    sink.accept(values.deserialize(topic, r.value()));
                }
            }
        }
    }

    /** The record as text, without the named wall-clock fields. */
    static String canonical(SpecificRecord record, String... wallClock) {
        org.apache.avro.Schema schema = record.getSchema();
        StringBuilder b = new StringBuilder(schema.getName()).append('{');
        for (org.apache.avro.Schema.Field f : schema.getFields()) {
            if (List.of(wallClock).contains(f.name())) {
                continue;
            }
            b.append(f.name()).append('=').append(record.get(f.pos())).append(';');
        }
        return b.append('}').toString();
    }

    private static Instant latest(IncidentTimeline i) {
        Instant max = Instant.EPOCH;
        for (Instant t : new Instant[] {i.getExposedAt(), i.getReportedAt(), i.getDetectedAt(), i.getRevokedAt(),
                i.getReplacementFirstUsedAt()}) {
            if (t != null && t.isAfter(max)) {
                max = t;
            }
        }
        return max;
    }
}
