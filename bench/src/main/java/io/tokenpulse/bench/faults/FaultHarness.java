package io.tokenpulse.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.errorprone.annotations.FormatMethod;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.local.UpResult;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * The fault harness: the simulator's fleet through TokenPulse on a three-broker local cluster, once undisturbed
 * (the reference) and once on two instances while brokers and instances are killed, bounced, stopped and wiped;
 * then {@link OutputVerifier} proves the second run wrote exactly what the first did. {@link Faults} does the
 * disturbing and {@link RunProgress} tells how far a run has got.
 *
 * <p>{@code short} (CI): one broker kill mid-publish, one instance kill mid-processing, one state restore.
 * {@code long} (by hand, {@code bench/faults.sh}): every fault of issue 14, the network partition of an instance
 * ({@link NetPartition}) included.
 */
public final class FaultHarness {
    /** The consumer-side limits of the disturbed run: a stopped instance is out of the group within seconds. */
    static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(20);
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(15);
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REPORT_GRACE = Duration.ofMinutes(5);
    /** How long the disturbed run may take, after its input is consumed, to write what the reference wrote. */
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code partition}: long mode cuts one instance's network (needs root for a network namespace). */
    public record Options(Path work, boolean longMode, int tenants, int tokens, int days, boolean keep, boolean partition) {
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
    private String bootstrap;
    private String registryUrl;

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
        boolean partition = options.longMode() && options.partition();
        if (partition) {
            String why = NetPartition.unavailable();
            if (why != null) {
                throw new IllegalStateException("cannot make the network partition: " + why
                        + ". Run as root, or pass --no-partition to run the long mode without it.");
            }
        }
        NetPartition network = null;
        // Instances' state of an earlier run belongs to a cluster that is gone: every run starts without it.
        new Instance("earlier runs", options.work().resolve("state"), options.work().resolve("logs").resolve("none.log"), List.of(),
                null).deleteState();
        try {
            UpResult up = stack.up(StackOptions.defaults().withBrokers(3).withPartitions(6).withTimeout(Duration.ofMinutes(2)));
            bootstrap = up.bootstrapServers();
            registryUrl = up.registryUrl();
            Path fleet = options.work().resolve("fleet.jsonl");
            Path truth = options.work().resolve("truth.jsonl");
            cli(options.work().resolve("simulate.log"), "simulate", "--tenants", Integer.toString(options.tenants()),
                    "--tokens", Integer.toString(options.tokens()), "--days", Integer.toString(options.days()), "--seed", "14",
                    "--out", fleet.toString(), "--truth", truth.toString());
            long expected = lines(fleet);
            Instant cutoff = lastEventTime(fleet);
            log("fleet: %,d events up to %s", expected, cutoff);
            RunProgress progress = new RunProgress(bootstrap, expected, out);

            Map<TopicDef, String> ref = topics("ref-");
            Map<TopicDef, String> flt = topics("flt-");
            Faults faults = new Faults(stack, progress, "tp-flt", flt, out);
            try (Admin admin = progress.admin()) {
                TopicSetup.ensureTopics(admin, ref, 6, (short) 3);
                TopicSetup.ensureTopics(admin, flt, 6, (short) 3);
            }

            // The reference: published first, then one instance reads the backfill, undisturbed.
            log("reference run");
            cli(options.work().resolve("publish-ref.log"), concat(List.of("publish", "--format", "jsonl", "--quiet",
                    fleet.toString()), settingsFlags(ref, "tp-ref", null)));
            Instance reference = instance("ref-1", ref, "tp-ref", false, null);
            all.add(reference);
            reference.start().awaitRunning(Duration.ofMinutes(2));
            progress.awaitDone("tp-ref", ref);
            faults.close(reference);

            // The disturbed run: two instances, the fleet published while they run, faults on the way.
            log("disturbed run");
            if (partition) {
                network = NetPartition.create(1, bridgedPorts(), options.work().resolve("logs").resolve("bridge.log"));
                log("instance flt-a runs in %s", network.describe());
            }
            Instance a = instance("flt-a", flt, "tp-flt", true, network);
            Instance b = instance("flt-b", flt, "tp-flt", true, null);
            all.add(a);
            all.add(b);
            a.start();
            b.start();
            a.awaitRunning(Duration.ofMinutes(2));
            b.awaitRunning(Duration.ofMinutes(2));
            Path publishLog = options.work().resolve("publish-flt.log");
            Process publish = cliProcess(publishLog, concat(List.of("publish", "--format", "jsonl", "--quiet", fleet.toString()),
                    settingsFlags(flt, "tp-flt", null)));
            Faults.Restore restore = options.longMode() ? faults.longFaults(a, b, publish) : faults.shortFaults(a, b, publish);
            if (!publish.waitFor(10, TimeUnit.MINUTES)) {
                publish.destroyForcibly();
            }
            int publishExit = publish.exitValue();
            progress.awaitDone("tp-flt", flt);

            log("verifying");
            long onTopics = progress.inputRecords(flt);
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
                faults.close(a);
                faults.close(b);
                verdict = OutputVerifier.compare(refOutput, verifier.read(flt), cutoff, REPORT_GRACE);
                List<String> open = progress.awaitNoOpenTransactions(verifier, "tp-flt", flt);
                Map<String, String> evalRef = evaluate(truth, ref, "tp-ref");
                Map<String, String> evalRun = evaluate(truth, flt, "tp-flt");
                String publishSummary = Files.readString(publishLog).lines()
                        .filter(l -> l.startsWith("Published") || l.startsWith("Producer")).reduce((x, y) -> x + "\n" + y).orElse("(no summary)");
                return new Result(verdict, faults.faults(), open, expected, onTopics, publishSummary, publishExit, evalRef,
                        evalRun, faults.closeTimes(), faults.closeOverruns(), restore.bytes(), restore.time());
            }
        } finally {
            for (Instance i : all) {
                if (i.alive()) {
                    i.kill9();
                }
            }
            if (network != null) {
                network.close();
            }
            stack.down(!options.keep());
        }
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

    /** The ports an instance reaches: every broker's and the registry's. */
    private List<Integer> bridgedPorts() {
        List<Integer> ports = new ArrayList<>();
        stack.status().brokers().forEach(b -> ports.add(b.port()));
        ports.add(java.net.URI.create(registryUrl).getPort());
        return ports;
    }

    private Instance instance(String name, Map<TopicDef, String> topics, String appId, boolean disturbed, NetPartition network) {
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
                settingsFlags(topics, appId, s), network);
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

    static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    static String secs(Duration d) {
        return d == null ? "n/a" : String.format("%.1fs", d.toMillis() / 1000.0);
    }

    @FormatMethod
    private void log(String format, Object... args) {
        log(out, format, args);
    }

    @FormatMethod
    static void log(PrintStream out, String format, Object... args) {
        out.printf("[faults %s] %s%n", java.time.LocalTime.now(java.time.ZoneId.systemDefault()).withNano(0),
                String.format(format, args));
    }

    /**
     * {@code FaultHarness [short|long] [--work DIR] [--tokens N] [--days D] [--tenants T] [--keep] [--no-partition]};
     * exit 1 when it failed.
     */
    public static void main(String[] args) throws Exception {
        boolean longMode = args.length > 0 && args[0].equals("long");
        Path work = Path.of("target", "faults-" + (longMode ? "long" : "short")).toAbsolutePath();
        int tokens = longMode ? 3000 : 150;
        int days = longMode ? 30 : 10;
        int tenants = 3;
        boolean keep = false;
        boolean partition = true;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
                case "--tokens" -> tokens = Integer.parseInt(args[++i]);
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--tenants" -> tenants = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                case "--no-partition" -> partition = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Result result = run(new Options(work, longMode, tenants, tokens, days, keep, partition), System.out);
        System.out.print(result.describe());
        System.exit(result.passed() ? 0 : 1);
    }
}
