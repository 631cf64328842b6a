package io.tokenpulse.local.testing;

import io.tokenpulse.local.KafkaNode;
import io.tokenpulse.local.RegistryNode;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker (in this JVM) and a real Apicurio schema registry (a child process) for
 * integration tests, started once per test JVM on first use and shared by every test class. A JVM
 * shutdown hook stops both, so no process outlives the test run.
 *
 * <p>Tests share one broker, so each test names its topics and application ids with {@link #unique}
 * (or {@link #uniqueTopicNames}) instead of using the defaults.
 *
 * <pre>{@code
 * RealKafkaAndRegistry env = RealKafkaAndRegistry.get();
 * Map<TopicDef, String> topics = env.uniqueTopicNames("alerts-it");
 * env.createTopics(topics);
 * props.put("bootstrap.servers", env.bootstrapServers());
 * props.put("schema.registry.url", env.registryUrl());
 * }</pre>
 */
public final class RealKafkaAndRegistry {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final int DEFAULT_PARTITIONS = 2;

    private final Path dir;
    private final KafkaNode kafka;
    private final RegistryNode registry;

    private RealKafkaAndRegistry(Path dir, KafkaNode kafka, RegistryNode registry) {
        this.dir = dir;
        this.kafka = kafka;
        this.registry = registry;
    }

    /** The shared instance, started on first call (a few seconds). */
    public static RealKafkaAndRegistry get() {
        return Holder.INSTANCE;
    }

    /** Lazy, thread-safe start: the JVM initialises the holder class once, on first access. */
    private static final class Holder {
        static final RealKafkaAndRegistry INSTANCE = start();
    }

    private static RealKafkaAndRegistry start() {
        Path apicurio = StackOptions.defaultApicurioDir();
        RegistryNode.runnerJar(apicurio);
        Path dir;
        try {
            dir = Files.createTempDirectory("tokenpulse-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The registry starts in the background (a separate JVM) while Kafka starts here.
        RegistryStart registryStart = new RegistryStart(
                new RegistryNode.Options(apicurio, null, "127.0.0.1", 0, dir.resolve("registry.log")));
        Thread registryThread = new Thread(registryStart, "it-registry-start");
        registryThread.start();
        KafkaNode kafka = null;
        try {
            kafka = KafkaNode.start(KafkaNode.Settings.of(dir.resolve("kafka")));
            registryThread.join();
            if (registryStart.failure != null) {
                throw registryStart.failure;
            }
        } catch (RuntimeException | InterruptedException e) {
            if (kafka != null) {
                kafka.close();
            }
            joinQuietly(registryThread);
            if (registryStart.node != null) {
                registryStart.node.close();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start the test Kafka and registry: " + e.getMessage(), e);
        }
        RealKafkaAndRegistry env = new RealKafkaAndRegistry(dir, kafka, registryStart.node);
        Runtime.getRuntime().addShutdownHook(new Thread(env::stop, "it-kafka-registry-stop"));
        return env;
    }

    private static final class RegistryStart implements Runnable {
        private final RegistryNode.Options options;
        private volatile RegistryNode node;
        private volatile RuntimeException failure;

        RegistryStart(RegistryNode.Options options) {
            this.options = options;
        }

        @Override
        public void run() {
            try {
                node = RegistryNode.start(options, RegistryNode.DEFAULT_START_TIMEOUT);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private void stop() {
        registry.close();
        kafka.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temp directory is harmless; the processes are what must not leak.
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The Confluent-compatible registry URL, for {@code schema.registry.url}. */
    public String registryUrl() {
        return registry.url();
    }

    /** Client properties with {@code bootstrap.servers} and {@code schema.registry.url} set. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put("schema.registry.url", registryUrl());
        return props;
    }

    /** An Admin for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * {@code prefix} plus a suffix unique in this JVM and across runs on a reused broker; valid as a topic
     * name and as a Kafka Streams application id.
     */
    public static String unique(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return clean + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() & 0xffffff, 36);
    }

    /** Every SPEC topic under a name unique to this test: {@code <test>-<n>-<id>-<default name>}. */
    public static Map<TopicDef, String> uniqueTopicNames(String testName) {
        String prefix = unique(testName);
        Map<TopicDef, String> names = new EnumMap<>(TopicDef.class);
        for (TopicDef def : TopicDef.values()) {
            names.put(def, prefix + "-" + def.defaultName());
        }
        return names;
    }

    /** Creates the SPEC topics under these names (configs from {@link TopicDef}), 2 partitions each. */
    public void createTopics(Map<TopicDef, String> names) {
        createTopics(names, DEFAULT_PARTITIONS);
    }

    public void createTopics(Map<TopicDef, String> names, int partitions) {
        try (Admin admin = admin()) {
            TopicSetup.ensureTopics(admin, names, partitions);
            awaitLeaders(admin, names.values());
        }
    }

    /**
     * Until every partition of the topics has a leader: a producer that writes into a topic created a moment ago
     * otherwise meets NOT_LEADER_OR_FOLLOWER, retries, and says so in WARN lines a test of a clean run must not see.
     */
    private static void awaitLeaders(Admin admin, java.util.Collection<String> topics) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                boolean led = admin.describeTopics(topics).allTopicNames().get().values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (led) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // not known to the broker yet (UnknownTopicOrPartition): ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic leaders", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have no leader for every partition within 60 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic leaders", e);
            }
        }
    }

    /** Plain topics (no SPEC configs) with this many partitions; existing ones are fine. */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            TopicSetup.create(admin, topics);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(RegistryNode.DEFAULT_START_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
