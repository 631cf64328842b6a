package io.tokenpulse.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.errorprone.annotations.FormatMethod;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.local.StackStatus;
import io.tokenpulse.local.TopicSetup;
import io.tokenpulse.local.UpResult;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fault harness: the simulator's fleet through TokenPulse on a three-broker local cluster, once undisturbed
 * (the reference) and once on two instances while brokers and instances are killed, bounced, stopped and wiped;
 * then {@link OutputVerifier} proves the second run wrote exactly what the first did.
 *
 * <p>{@code short} (CI): one broker kill mid-publish, one instance kill mid-processing, one state restore.
 * {@code long} (by hand, {@code bench/faults.sh}): every fault of issue 14 but the network partition.
 */
public final class FaultHarness {
    /** The consumer-side limits of the disturbed run: a stopped instance is out of the group within seconds. */
    static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(20);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(15);
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REPORT_GRACE = Duration.ofMinutes(5);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long the disturbed run may take, after its input is consumed, to write what the reference wrote. */
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Options(Path work, boolean longMode, int tenants, int tokens, int days, boolean keep) {
    }

    /**
     * One fault: what, when (progress at the time), how long until the cluster was whole again ({@code back}) and
     * until the pipeline committed progress again ({@code resumed}); null when it could not be seen.
     */
    public record Fault(String what, String when, Duration back, Duration resumed, String note) {
        String describe() {
            return String.format("%-44s at %-32s back %-8s resumed %-8s %s", what, when, secs(back), secs(resumed),
                    note == null ? "" : note);
        }
    }

    /** Everything the run measured; {@link #passed()} is the verdict. */
    public record Result(OutputVerifier.Verdict verdict, List<Fault> faults, List<String> openTransactions,
                         long expectedInput, long inputRecords, String publishSummary, int publishExit,
                         Map<String, String> evaluateReference, Map<String, String> evaluateRun,
                         List<String> closeTimes, List<String> closeOverruns, long restoredStateBytes, Duration restoreTime) {
        public boolean passed() {
            return verdict.identical() && openTransactions.isEmpty() && expectedInput == inputRecords && publishExit == 0
                    && evaluateReference.equals(evaluateRun) && closeOverruns.isEmpty();
        }

        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("input: %,d records expected, %,d on the topics (lost %d, duplicated %d)%n", expectedInput,
                    inputRecords, Math.max(0, expectedInput - inputRecords), Math.max(0, inputRecords - expectedInput)));
            b.append("publish: ").append(publishSummary.strip().replace("\n", "\n         ")).append('\n');
            b.append("faults:\n");
            faults.forEach(f -> b.append("  ").append(f.describe()).append('\n'));
            if (restoreTime != null) {
                b.append(String.format("restore: %,d bytes of state in %.1f s (%.1f s per GB extrapolated linearly from this size)%n",
                        restoredStateBytes, restoreTime.toMillis() / 1000.0,
                        restoredStateBytes == 0 ? 0 : restoreTime.toMillis() / 1000.0 * (1L << 30) / restoredStateBytes));
            }
            b.append("close: ").append(String.join(", ", closeTimes)).append('\n');
            if (!closeOverruns.isEmpty()) {
                b.append("close overruns: ").append(closeOverruns).append('\n');
            }
            b.append("outputs against the reference:\n").append(verdict.describe());
            b.append("open transactions / unstable partitions: ").append(openTransactions.isEmpty() ? "none" : openTransactions).append('\n');
            b.append("evaluate (precision/recall per type), reference: ").append(evaluateReference).append('\n');
            b.append("evaluate, disturbed run:                         ").append(evaluateRun).append('\n');
            b.append(passed() ? "PASSED" : "FAILED").append('\n');
            return b.toString();
        }
    }

    private final Options options;
    private final PrintStream out;
    private final LocalStack stack;
    private final List<Fault> faults = new ArrayList<>();
    private final List<String> closeTimes = new ArrayList<>();
    private final List<String> closeOverruns = new ArrayList<>();
    private String bootstrap;
    private String registryUrl;
    private long expected;

    private FaultHarness(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.stack = new LocalStack(options.work().resolve("home"), out);
    }

    public static Result run(Options options, PrintStream out) throws Exception {
        return new FaultHarness(options, out).run();
    }

    private Result run() throws Exception {
        Files.createDirectories(options.work());
        List<Instance> all = new ArrayList<>();
        try {
            UpResult up = stack.up(StackOptions.defaults().withBrokers(3).withPartitions(6).withTimeout(Duration.ofMinutes(2)));
            bootstrap = up.bootstrapServers();
            registryUrl = up.registryUrl();
            Path fleet = options.work().resolve("fleet.jsonl");
            Path truth = options.work().resolve("truth.jsonl");
            cli(options.work().resolve("simulate.log"), "simulate", "--tenants", Integer.toString(options.tenants()),
                    "--tokens", Integer.toString(options.tokens()), "--days", Integer.toString(options.days()), "--seed", "14",
                    "--out", fleet.toString(), "--truth", truth.toString());
            expected = lines(fleet);
            Instant cutoff = lastEventTime(fleet);
            log("fleet: %,d events up to %s", expected, cutoff);

            Map<TopicDef, String> ref = topics("ref-");
            Map<TopicDef, String> flt = topics("flt-");
            try (Admin admin = admin()) {
                TopicSetup.ensureTopics(admin, ref, 6, (short) 3);
                TopicSetup.ensureTopics(admin, flt, 6, (short) 3);
            }

            // The reference: published first, then one instance reads the backfill, undisturbed.
            log("reference run");
            cli(options.work().resolve("publish-ref.log"), concat(List.of("publish", "--format", "jsonl", "--quiet",
                    fleet.toString()), settingsFlags(ref, "tp-ref", null)));
            Instance reference = instance("ref-1", ref, "tp-ref", false);
            all.add(reference);
            reference.start().awaitRunning(Duration.ofMinutes(2));
            awaitDone("tp-ref", ref);
            close(reference);

            // The disturbed run: two instances, the fleet published while they run, faults on the way.
            log("disturbed run");
            Instance a = instance("flt-a", flt, "tp-flt", true);
            Instance b = instance("flt-b", flt, "tp-flt", true);
            all.add(a);
            all.add(b);
            a.start();
            b.start();
            a.awaitRunning(Duration.ofMinutes(2));
            b.awaitRunning(Duration.ofMinutes(2));
            Path publishLog = options.work().resolve("publish-flt.log");
            Process publish = cliProcess(publishLog, concat(List.of("publish", "--format", "jsonl", "--quiet", fleet.toString()),
                    settingsFlags(flt, "tp-flt", null)));
            Restore restore = options.longMode() ? longFaults(a, b, flt, publish) : shortFaults(a, b, flt, publish);
            if (!publish.waitFor(10, TimeUnit.MINUTES)) {
                publish.destroyForcibly();
            }
            int publishExit = publish.exitValue();
            awaitDone("tp-flt", flt);

            log("verifying");
            long onTopics = inputRecords(flt);
            try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(Map.of(AppConfig.REGISTRY_URL, registryUrl))) {
                OutputVerifier verifier = new OutputVerifier(bootstrap, registry);
                OutputVerifier.RunOutput refOutput = verifier.read(ref);
                // Consumed is not judged: records wait in the reorder buffers until the watermark passes them, and
                // a restored task catches up first. Missing output may still come; a duplicate or a change never
                // goes away. So: compare until nothing is missing, or for SETTLE_LIMIT, with the instances running.
                long settleStart = System.nanoTime();
                OutputVerifier.Verdict verdict = OutputVerifier.compare(refOutput, verifier.read(flt), cutoff, REPORT_GRACE);
                while (verdict.missing() > 0 && System.nanoTime() - settleStart < SETTLE_LIMIT.toNanos()) {
                    log("%,d outputs of the reference not there yet; waiting", verdict.missing());
                    Thread.sleep(10_000);
                    verdict = OutputVerifier.compare(refOutput, verifier.read(flt), cutoff, REPORT_GRACE);
                }
                log("outputs settled %.0f s after the input was consumed and the sources idle", since(settleStart).toMillis() / 1000.0);
                close(a);
                close(b);
                verdict = OutputVerifier.compare(refOutput, verifier.read(flt), cutoff, REPORT_GRACE);
                List<String> open = awaitNoOpenTransactions(verifier, flt);
                Map<String, String> evalRef = evaluate(truth, ref, "tp-ref");
                Map<String, String> evalRun = evaluate(truth, flt, "tp-flt");
                String publishSummary = Files.readString(publishLog).lines()
                        .filter(l -> l.startsWith("Published") || l.startsWith("Producer")).reduce((x, y) -> x + "\n" + y).orElse("(no summary)");
                return new Result(verdict, List.copyOf(faults), open, expected, onTopics, publishSummary, publishExit, evalRef,
                        evalRun, List.copyOf(closeTimes), List.copyOf(closeOverruns), restore.bytes, restore.time);
            }
        } finally {
            for (Instance i : all) {
                if (i.alive()) {
                    i.kill9();
                }
            }
            stack.down(!options.keep());
        }
    }

    private record Restore(long bytes, Duration time) {
    }

    private Restore shortFaults(Instance a, Instance b, Map<TopicDef, String> flt, Process publish) throws Exception {
        awaitPublished(flt, 0.3, publish);
        killBroker(2, "mid-publish", flt, true);
        awaitProcessed(flt, 0.4);
        killInstance(a, flt);
        awaitProcessed(flt, 0.7);
        return restore(b, flt);
    }

    private Restore longFaults(Instance a, Instance b, Map<TopicDef, String> flt, Process publish) throws Exception {
        awaitPublished(flt, 0.2, publish);
        killBroker(2, "mid-publish", flt, true);
        awaitProcessed(flt, 0.15);
        killInstance(a, flt);
        awaitProcessed(flt, 0.3);
        killBroker(3, "mid-processing", flt, true);
        awaitProcessed(flt, 0.4);
        killInstance(b, flt);
        awaitProcessed(flt, 0.5);
        killBroker(1, "clean bounce", flt, false);
        awaitProcessed(flt, 0.6);
        zombie(a, flt);
        awaitProcessed(flt, 0.75);
        killInstance(a, flt);
        awaitProcessed(flt, 0.85);
        Restore restore = restore(b, flt);
        closeDuringBrokerOutage(a, flt);
        return restore;
    }

    private void killBroker(int id, String when, Map<TopicDef, String> flt, boolean kill9) throws Exception {
        String progress = progress(flt);
        StackStatus.Broker broker = stack.status().brokers().get(id - 1);
        ProcessHandle p = ProcessHandle.of(broker.pid()).orElseThrow();
        long before = committed("tp-flt", flt);
        long t0 = System.nanoTime();
        if (kill9) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        p.onExit().get(60, TimeUnit.SECONDS);
        log("broker %d %s (%s)", id, kill9 ? "killed (SIGKILL)" : "stopped (SIGTERM)", progress);
        Thread.sleep(3_000);
        stack.up(StackOptions.defaults().withTimeout(Duration.ofMinutes(2)));
        Duration back = since(t0);
        faults.add(new Fault((kill9 ? "kill -9 broker " : "clean bounce of broker ") + id + " (" + when + ")", progress, back,
                resumed("tp-flt", flt, before, t0), "restarted by 'up' after 3 s down"));
    }

    private void killInstance(Instance i, Map<TopicDef, String> flt) throws Exception {
        String progress = progress(flt);
        long before = committed("tp-flt", flt);
        long t0 = System.nanoTime();
        i.kill9();
        i.start();
        Duration running = i.awaitRunning(Duration.ofMinutes(3));
        faults.add(new Fault("kill -9 instance " + i.name + ", restarted at once", progress, running,
                resumed("tp-flt", flt, before, t0), "back = until the new process was RUNNING"));
    }

    private void zombie(Instance i, Map<TopicDef, String> flt) throws Exception {
        String progress = progress(flt);
        long before = committed("tp-flt", flt);
        long t0 = System.nanoTime();
        i.signal("STOP");
        Duration stopped = MAX_POLL_INTERVAL.plusSeconds(10);
        Thread.sleep(stopped.toMillis());
        long duringStop = committed("tp-flt", flt);
        i.signal("CONT");
        faults.add(new Fault("SIGSTOP instance " + i.name + " " + stopped.toSeconds() + " s, then SIGCONT", progress,
                since(t0), resumed("tp-flt", flt, before, t0), "the other instance committed "
                + (duringStop - before) + " more input offsets while it was stopped; its zombie must be fenced"));
        Thread.sleep(5_000);
        if (!i.alive()) {
            // A fenced zombie may die; that is allowed, losing or repeating output is not.
            i.start().awaitRunning(Duration.ofMinutes(3));
        }
    }

    private Restore restore(Instance i, Map<TopicDef, String> flt) throws Exception {
        String progress = progress(flt);
        long before = committed("tp-flt", flt);
        i.kill9();
        long bytes = i.stateBytes();
        i.deleteState();
        long t0 = System.nanoTime();
        i.start();
        Duration restored = i.awaitRunning(Duration.ofMinutes(5));
        faults.add(new Fault("state dir of " + i.name + " deleted (" + bytes / 1024 + " KiB), restarted", progress, restored,
                resumed("tp-flt", flt, before, t0), "back = restore from changelogs until RUNNING"));
        return new Restore(bytes, restored);
    }

    private void closeDuringBrokerOutage(Instance i, Map<TopicDef, String> flt) throws Exception {
        String progress = progress(flt);
        StackStatus.Broker broker = stack.status().brokers().get(1);
        ProcessHandle p = ProcessHandle.of(broker.pid()).orElseThrow();
        p.destroyForcibly();
        p.onExit().get(60, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        close(i);
        Duration closed = since(t0);
        stack.up(StackOptions.defaults().withTimeout(Duration.ofMinutes(2)));
        i.start().awaitRunning(Duration.ofMinutes(3));
        faults.add(new Fault("close " + i.name + " while broker 2 is dead", progress, since(t0), null,
                "close took " + secs(closed)));
    }

    private void close(Instance i) throws InterruptedException {
        Duration limit = SHUTDOWN_TIMEOUT.plusSeconds(15);
        Duration took = i.stop(limit);
        if (took == null) {
            closeOverruns.add(i.name + " did not exit within " + limit.toSeconds() + " s of SIGTERM");
        } else {
            closeTimes.add(i.name + " " + secs(took));
        }
    }

    // ---- progress ----

    private void awaitPublished(Map<TopicDef, String> flt, double fraction, Process publish) throws Exception {
        while (inputRecords(flt) < expected * fraction && publish.isAlive()) {
            Thread.sleep(50);
        }
    }

    /** Until this fraction of the input is committed by the group; at once if processing is already past it or done. */
    private void awaitProcessed(Map<TopicDef, String> flt, double fraction) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (committed("tp-flt", flt) < expected * fraction && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private String progress(Map<TopicDef, String> flt) throws Exception {
        return String.format("%.0f%% published, %.0f%% processed", 100.0 * inputRecords(flt) / expected,
                100.0 * committed("tp-flt", flt) / expected);
    }

    /** Until the group's committed input offsets move past {@code before}; null if they never did within 3 minutes. */
    private Duration resumed(String group, Map<TopicDef, String> topics, long before, long t0) throws Exception {
        if (before >= expected) {
            return null;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (committed(group, topics) > before) {
                return since(t0);
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** The input is all committed and the outputs have stopped growing for a while after the sources went idle. */
    private void awaitDone(String group, Map<TopicDef, String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (committed(group, topics) < expected || inputRecords(topics) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " did not consume its input within 15 minutes: " + committed(group, topics)
                        + " of " + expected);
            }
            Thread.sleep(500);
        }
        log("%s consumed all input; waiting for the sources to go idle and the outputs to settle", group);
        Thread.sleep(IDLE_TIMEOUT.plusSeconds(5).toMillis());
        long last = outputRecords(topics);
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < Duration.ofSeconds(20).toNanos() && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            long now = outputRecords(topics);
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    private static final List<TopicDef> INPUTS = List.of(TopicDef.LIFECYCLE, TopicDef.USAGE, TopicDef.DEPLOYMENTS, TopicDef.POLICIES);
    private static final List<TopicDef> OUTPUTS = List.of(TopicDef.ALERTS, TopicDef.ACTIONS, TopicDef.INCIDENTS, TopicDef.REPORTS);

    private long inputRecords(Map<TopicDef, String> topics) throws Exception {
        return endOffsets(topics, INPUTS);
    }

    private long outputRecords(Map<TopicDef, String> topics) throws Exception {
        return endOffsets(topics, OUTPUTS);
    }

    private long endOffsets(Map<TopicDef, String> topics, List<TopicDef> which) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (TopicDef t : which) {
                for (int p = 0; p < 6; p++) {
                    specs.put(new TopicPartition(topics.get(t), p), OffsetSpec.latest());
                }
            }
            return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    private long committed(String group, Map<TopicDef, String> topics) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            List<String> inputs = INPUTS.stream().map(topics::get).toList();
            return offsets.entrySet().stream().filter(e -> inputs.contains(e.getKey().topic()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return 0; // the coordinator may be moving (a broker just died): no progress seen this time
        }
    }

    private List<String> awaitNoOpenTransactions(OutputVerifier verifier, Map<TopicDef, String> flt) throws Exception {
        // A killed instance's transaction is aborted by its coordinator after transaction.timeout.ms: allow for it.
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> open = verifier.openTransactions("tp-flt", flt);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            open = verifier.openTransactions("tp-flt", flt);
        }
        return open;
    }

    // ---- the app and the CLI ----

    private Map<TopicDef, String> topics(String prefix) {
        Map<TopicDef, String> names = new EnumMap<>(TopicDef.class);
        for (TopicDef t : TopicDef.values()) {
            names.put(t, prefix + t.defaultName());
        }
        return names;
    }

    private List<String> settingsFlags(Map<TopicDef, String> topics, String appId, Map<String, String> more) {
        Map<String, String> s = new LinkedHashMap<>();
        topics.forEach((t, n) -> s.put(AppConfig.TOPIC_PREFIX + t.key(), n));
        s.put(AppConfig.APPLICATION_ID, appId);
        if (more != null) {
            s.putAll(more);
        }
        return Instance.flags(bootstrap, registryUrl, s);
    }

    private Instance instance(String name, Map<TopicDef, String> topics, String appId, boolean disturbed) {
        Map<String, String> s = new LinkedHashMap<>();
        Path state = options.work().resolve("state").resolve(name);
        s.put(AppConfig.STATE_DIR, state.toString());
        s.put(AppConfig.QUERY_PORT, "0");
        s.put(AppConfig.SHUTDOWN_TIMEOUT, "PT" + SHUTDOWN_TIMEOUT.toSeconds() + "S");
        if (disturbed) {
            // Static membership: a restarted instance takes its tasks back without a rebalance of the others.
            s.put(AppConfig.STREAMS_PREFIX + "group.instance.id", name);
            s.put(AppConfig.STREAMS_PREFIX + "session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()));
            s.put(AppConfig.STREAMS_PREFIX + "max.poll.interval.ms", Long.toString(MAX_POLL_INTERVAL.toMillis()));
        }
        return new Instance(name, state, options.work().resolve("logs").resolve(name + ".log"),
                settingsFlags(topics, appId, s));
    }

    private Map<String, String> evaluate(Path truth, Map<TopicDef, String> topics, String appId) throws Exception {
        Path log = options.work().resolve("evaluate-" + appId + ".json");
        cli(log, concat(List.of("evaluate", "--truth", truth.toString(), "--json", "--idle-timeout", "5"),
                settingsFlags(topics, appId, null)));
        String text = Files.readString(log);
        JsonNode score = JSON.readTree(text.substring(text.indexOf('{')));
        Map<String, String> byType = new LinkedHashMap<>();
        for (JsonNode t : score.get("types")) {
            byType.put(t.get("type").asText(), t.get("precision").asText() + "/" + t.get("recall").asText());
        }
        return byType;
    }

    private void cli(Path log, String... args) throws Exception {
        cli(log, List.of(args));
    }

    private void cli(Path log, List<String> args) throws Exception {
        Process p = cliProcess(log, args);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("tokenpulse " + args.get(0) + " failed; see " + log + ":\n" + Files.readString(log));
        }
    }

    private Process cliProcess(Path log, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dtokenpulse.home=" + stack.home(), "-cp", System.getProperty("java.class.path"),
                "io.tokenpulse.cli.TokenPulseCli"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 5_000, "default.api.timeout.ms", 15_000));
    }

    private static long lines(Path file) throws IOException {
        try (Stream<String> l = Files.lines(file, StandardCharsets.UTF_8)) {
            return l.filter(s -> !s.isBlank()).count();
        }
    }

    private static Instant lastEventTime(Path fleet) throws IOException {
        Pattern occurred = Pattern.compile("\"occurredAt\":\"([^\"]+)\"");
        Instant max = Instant.EPOCH;
        try (Stream<String> l = Files.lines(fleet, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) l::iterator) {
                Matcher m = occurred.matcher(line);
                if (m.find()) {
                    Instant t = Instant.parse(m.group(1));
                    max = t.isAfter(max) ? t : max;
                }
            }
        }
        return max;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    static String secs(Duration d) {
        return d == null ? "n/a" : String.format("%.1fs", d.toMillis() / 1000.0);
    }

    @FormatMethod
    private void log(String format, Object... args) {
        out.printf("[faults %s] %s%n", java.time.LocalTime.now(java.time.ZoneId.systemDefault()).withNano(0), String.format(format, args));
    }

    /** {@code FaultHarness [short|long] [--work DIR] [--tokens N] [--days D] [--tenants T] [--keep]}; exit 1 when it failed. */
    public static void main(String[] args) throws Exception {
        boolean longMode = args.length > 0 && args[0].equals("long");
        Path work = Path.of("target", "faults-" + (longMode ? "long" : "short")).toAbsolutePath();
        int tokens = longMode ? 2000 : 150;
        int days = longMode ? 30 : 10;
        int tenants = 3;
        boolean keep = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
                case "--tokens" -> tokens = Integer.parseInt(args[++i]);
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--tenants" -> tenants = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Result result = run(new Options(work, longMode, tenants, tokens, days, keep), System.out);
        System.out.print(result.describe());
        System.exit(result.passed() ? 0 : 1);
    }
}
