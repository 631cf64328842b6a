package io.tokenpulse.bench;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * TokenPulse against the plain Kafka Streams floor ({@link ReferenceJob}), side by side in one run on the same
 * records: the input is published once, then each round drains it with the reference job and with the full TokenPulse
 * pipeline (default settings, so default lateness), each under a fresh application id, and prints both rates and
 * their ratios. A rate counts input records from RUNNING until the committed offsets reach the end of the inputs
 * (consumed); for TokenPulse also until every token task has judged them up to the last record less lateness (judged),
 * which includes the time model's start-up wait: sources that went quiet or never delivered (the lifecycle partitions,
 * the deployment and policy topics) hold judging back until they have been silent for idle.timeout.
 *
 * <p>Args: tokens (10,000), usage records (1,000,000), rounds (1). System properties: {@code bench.threads} (stream
 * threads of TokenPulse, 1), {@code bench.jfr} (a directory: record each TokenPulse drain with JFR's profile
 * settings), {@code bench.skipReference} (true: TokenPulse only), {@code bench.idleTimeout} (an ISO-8601 duration
 * instead of the default idle.timeout, to see the drain with a shorter start-up wait), {@code bench.trace} (true:
 * print every second how far the drain has come). Run {@code ./tokenpulse up} first.
 */
public final class ReferenceBench {
    public static void main(String[] args) throws Exception {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int uses = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String threads = System.getProperty("bench.threads", "1");
        Optional<Path> jfr = Optional.ofNullable(System.getProperty("bench.jfr")).map(Path::of);
        boolean skipReference = Boolean.getBoolean("bench.skipReference");
        Path home = Path.of(System.getProperty("tokenpulse.home", ".tokenpulse"));
        BenchRun bench = BenchRun.named("ref");
        Map<TopicDef, String> names = bench.topics();
        Map<String, String> settings = bench.settings();
        settings.put(AppConfig.QUERY_PORT, "0");
        settings.put(AppConfig.NUM_THREADS, threads);
        String idleTimeout = System.getProperty("bench.idleTimeout");
        if (idleTimeout != null) {
            settings.put(AppConfig.DETECT_IDLE_AFTER, idleTimeout);
        }
        String settingsNote = idleTimeout == null ? "default settings" : "default settings but idle.timeout " + idleTimeout;
        AppConfig base = AppConfig.load(Optional.empty(), Optional.of(home.resolve("stack.properties")), System.getenv(), settings);
        Properties client = new Properties();
        client.putAll(base.kafkaClientProperties());
        bench.deleteTopicsAtExit(client);
        try (Admin admin = Admin.create(client)) {
            TopicSetup.ensureTopics(admin, names, 6);
            TopicSetup.create(admin, List.of(new NewTopic(bench.id() + "-reference-counts", 6, (short) 1)));
        }
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(base.registry().clientConfig());
        System.out.printf("%,d tokens, %,d usage records, %d round(s), TokenPulse threads %s, load average %s%n", tokens, uses,
                rounds, threads, loadAverage());
        UsageLoad.Loaded load = UsageLoad.publish(client, registry, names, tokens, uses);
        System.out.printf("published %,d records in %.1f s%n", tokens + uses, load.seconds());

        List<double[]> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double ref = Double.NaN;
            if (!skipReference) {
                ref = reference(client, bench.id() + "-reference-" + round, names.get(TopicDef.USAGE), bench.id() + "-reference-counts");
                System.out.printf("round %d reference (EOS v2, 1 thread, groupByKey().count(), cache off): %,.0f records/s (load %s)%n",
                        round, ref, loadAverage());
            }
            settings.put(AppConfig.APPLICATION_ID, bench.id() + "-tokenpulse-" + round);
            settings.put(AppConfig.STATE_DIR, Files.createTempDirectory("tokenpulse-bench").toString());
            AppConfig config = AppConfig.load(Optional.empty(), Optional.of(home.resolve("stack.properties")), System.getenv(), settings);
            String recording = "tokenpulse-" + bench.id() + "-" + round + ".jfr";
            double[] tp = tokenPulse(config, registry, client, names, jfr.map(d -> d.resolve(recording)), load);
            System.out.printf("round %d TokenPulse (%s, lateness %s, %s thread(s)): consumed %,.0f records/s, judged %,.0f records/s (load %s)%n",
                    round, settingsNote, config.detection().lateness(), threads, tp[0], tp[1], loadAverage());
            if (!skipReference) {
                System.out.printf("round %d ratio TokenPulse / reference: consumed %.2f, judged %.2f%n", round, tp[0] / ref, tp[1] / ref);
            }
            results.add(new double[] {ref, tp[0], tp[1]});
        }
        System.out.println("| round | reference rec/s | TokenPulse consumed rec/s | ratio | TokenPulse judged rec/s (start-up wait included) | ratio |");
        System.out.println("|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            double[] r = results.get(i);
            System.out.printf("| %d | %,.0f | %,.0f | %.2f | %,.0f | %.2f |%n", i + 1, r[0], r[1], r[1] / r[0], r[2], r[2] / r[0]);
        }
    }

    private static double reference(Properties client, String appId, String input, String output) throws Exception {
        Path state = Files.createTempDirectory("reference-bench");
        try (KafkaStreams streams = ReferenceJob.create(client, appId, input, output, state); Admin admin = Admin.create(client)) {
            CountDownLatch running = new CountDownLatch(1);
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("reference job not RUNNING after 2 minutes");
            }
            return drainRate(admin, appId, List.of(input));
        }
    }

    /** {@code -Dbench.trace=true}: print every second how far the drain has come (committed input, judged event time). */
    private static final boolean TRACE = Boolean.getBoolean("bench.trace");

    /** Consumed and judged records per second. */
    private static double[] tokenPulse(AppConfig config, SchemaRegistryClient registry, Properties client, Map<TopicDef, String> names,
                                     Optional<Path> jfr, UsageLoad.Loaded load) throws Exception {
        try (TokenPulseApp app = TokenPulseApp.create(config, registry, java.time.Clock.systemUTC()).start();
             Admin admin = Admin.create(client);
             HeapAfterGc heap = new HeapAfterGc()) {
            app.awaitRunning(Duration.ofMinutes(2));
            Recording recording = null;
            if (jfr.isPresent()) {
                Files.createDirectories(jfr.get().getParent());
                recording = new Recording(Configuration.getConfiguration("profile"));
                recording.setDestination(jfr.get());
                recording.start();
            }
            long start = System.nanoTime();
            // Consumed is not judged: records wait in the reorder buffer for the watermark. The drain counts as judged
            // once every token task judged up to the last usage record less lateness. Since token tasks wait for each
            // other's promises (facts cross partitions), that is the last record of the usage partition that ended
            // first; what lies beyond waits for idle.timeout of silence, as the time contract says.
            int partitions = admin.describeTopics(List.of(names.get(TopicDef.USAGE))).allTopicNames().get()
                    .get(names.get(TopicDef.USAGE)).partitions().size();
            long judgedTarget = load.lastEventMsByPartition().values().stream().mapToLong(Long::longValue).min().orElseThrow()
                    - config.detection().lateness().toMillis();
            // Judging has begun once every token task is past the first use (the watermark moves earlier than that, to
            // the lifecycle events, once the sources that never delivered count as idle).
            long begun = judgedTarget - load.firstEventMs();
            List<String> inputs = List.of(names.get(TopicDef.LIFECYCLE), names.get(TopicDef.USAGE));
            Map<TopicPartition, Long> ends = endOffsets(admin, inputs);
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            double consumedSeconds = Double.NaN;
            double everyBegunSeconds = Double.NaN;
            double firstBegunSeconds = Double.NaN;
            double lastTrace = 0;
            while (true) {
                if (app.state() == KafkaStreams.State.ERROR || app.state() == KafkaStreams.State.PENDING_ERROR) {
                    throw new IllegalStateException("TokenPulse stopped with an error during the drain (its log above says"
                            + " which): the drain cannot be timed");
                }
                double now = (System.nanoTime() - start) / 1e9;
                long committedNow = Double.isNaN(consumedSeconds) || TRACE ? committed(admin, config.applicationId(), ends) : total;
                if (Double.isNaN(consumedSeconds) && committedNow >= total) {
                    consumedSeconds = now;
                }
                // How far each token task is from its target (ms of event time), or MAX_VALUE before it judged anything.
                long[] behind = behind(app, partitions, judgedTarget);
                long most = Arrays.stream(behind).max().orElseThrow();
                long least = Arrays.stream(behind).min().orElseThrow();
                if (TRACE && now - lastTrace >= 1) {
                    lastTrace = now;
                    System.out.printf("  trace %.1f s: committed %,d of %,d; judged event time behind the target, least and most: %s, %s%n",
                            now, committedNow, total, seconds(least), seconds(most));
                }
                if (Double.isNaN(firstBegunSeconds) && least < begun) {
                    firstBegunSeconds = now;
                }
                if (Double.isNaN(everyBegunSeconds) && most < begun) {
                    everyBegunSeconds = now;
                }
                if (!Double.isNaN(consumedSeconds) && most <= 0) {
                    break;
                }
                Thread.sleep(100);
            }
            double judgedSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  consumed (committed input offsets at the end, as the reference is timed) %,d records in %.1f s: %,.0f records/s%n",
                    total, consumedSeconds, total / consumedSeconds);
            System.out.printf("  judging of uses began after %.1f s in the first token task, %.1f s in every one (the start-up wait: the"
                    + " lifecycle partitions, quiet since the tokens were issued, and the empty deployment and policy topics"
                    + " count as idle after idle.timeout %s)%n", firstBegunSeconds, everyBegunSeconds, config.detection().idleTimeout());
            System.out.printf("  judged up to the last record less lateness after %.1f s: %,.0f records/s consumed and judged; %,.0f records/s"
                    + " from the first use judged%n", judgedSeconds, total / judgedSeconds, total / (judgedSeconds - firstBegunSeconds));
            double[] rates = {total / consumedSeconds, total / judgedSeconds};
            if (recording != null) {
                recording.stop();
                recording.close();
                System.out.println("JFR recording of the TokenPulse drain: " + jfr.get());
            }
            // Before memory(), whose System.gc() would count: the drain's fullest moment, records held included.
            System.out.printf("  heap: at most %.0f MB in use after a garbage collection during the drain (held records"
                    + " included)%n", heap.peakBytes() / 1e6);
            stateSize(app);
            memory(app);
            longestSteps(app);
            return rates;
        }
    }

    private static String seconds(long behindMs) {
        return behindMs == Long.MAX_VALUE ? "nothing judged" : String.format("%.1f s", behindMs / 1e3);
    }

    /**
     * How far each token task's judged event time is behind its target, in ms (at most 0 once reached), or
     * {@code Long.MAX_VALUE} while it has judged nothing or the app is rebalancing.
     */
    private static long[] behind(TokenPulseApp app, int partitions, long target) {
        long[] behind = new long[partitions];
        for (int p = 0; p < partitions; p++) {
            try {
                ReadOnlyKeyValueStore<String, Long> progress = app.streams().store(StoreQueryParameters.fromNameAndType(
                        DetectionTopology.PROGRESS_STORE, QueryableStoreTypes.<String, Long>keyValueStore()).withPartition(p));
                Long judged = progress.get("judged");
                behind[p] = judged == null ? Long.MAX_VALUE : Math.max(0, target - judged);
            } catch (RuntimeException e) {
                Arrays.fill(behind, Long.MAX_VALUE); // rebalancing: not known now
                return behind;
            }
        }
        return behind;
    }

    /** Records per second from now until the group's committed offsets reach the current end of {@code inputs}. */
    private static double drainRate(Admin admin, String group, List<String> inputs) throws Exception {
        long start = System.nanoTime();
        Map<TopicPartition, Long> ends = endOffsets(admin, inputs);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        while (committed(admin, group, ends) < total) {
            Thread.sleep(200);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  drained %,d records in %.1f s%n", total, seconds);
        return total / seconds;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> inputs) throws Exception {
        return admin.listOffsets(admin.describeTopics(inputs).allTopicNames().get().values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** How many records of {@code ends} the group has committed. */
    private static long committed(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return ends.keySet().stream().mapToLong(tp -> Optional.ofNullable(committed.get(tp)).map(OffsetAndMetadata::offset).orElse(0L)).sum();
    }

    /** Average serialised TokenState (key + value, as the store holds them) over every token in the store. */
    private static void stateSize(TokenPulseApp app) {
        ReadOnlyKeyValueStore<String, TokenState> store = app.streams().store(StoreQueryParameters.fromNameAndType(
                DetectionTopology.TOKEN_STORE, QueryableStoreTypes.keyValueStore()));
        var keys = app.topics().keySerde().serializer();
        var values = DetectionTopology.tokenStateSerde(app.topics()).serializer();
        long count = 0;
        long bytes = 0;
        try (KeyValueIterator<String, TokenState> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                count++;
                bytes += keys.serialize("", kv.key).length + values.serialize("", kv.value).length;
            }
        }
        System.out.printf("  state: %,d tokens, %.0f bytes per token serialised (key + value as stored)%n", count, (double) bytes / count);
    }

    /** Heap in use after a GC, and what the RocksDB instances of every store hold (memtables, block cache, indexes). */
    private static void memory(TokenPulseApp app) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        double rocks = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : app.streams().metrics().entrySet()) {
            String n = e.getKey().name();
            if ((n.equals("size-all-mem-tables") || n.equals("block-cache-usage") || n.equals("estimate-table-readers-mem"))
                    && e.getValue().metricValue() instanceof Number v) {
                rocks += v.doubleValue();
            }
        }
        System.out.printf("  memory: heap used after GC %.0f MB; RocksDB memtables + block cache + table readers %.0f MB%n",
                heap / 1e6, rocks / 1e6);
    }

    /**
     * The stream threads' longest commit, punctuation and poll of the last minute or so (Kafka Streams' own windowed
     * maxima): a commit ends the transaction the judging between two commits runs in, so together they say how close
     * the drain came to the transaction timeout.
     */
    private static void longestSteps(TokenPulseApp app) {
        Map<String, Double> longest = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : app.streams().metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.group().equals("stream-thread-metrics") && n.name().endsWith("-latency-max")
                    && e.getValue().metricValue() instanceof Number v && !Double.isNaN(v.doubleValue())) {
                longest.merge(n.name().substring(0, n.name().length() - "-latency-max".length()), v.doubleValue(), Math::max);
            }
        }
        System.out.printf("  stream threads' longest steps of the last minute (ms): %s%n", longest.entrySet().stream()
                .map(e -> String.format("%s %.0f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
    }

    private static String loadAverage() {
        return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
