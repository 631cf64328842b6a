package io.tokenpulse.cli.pipeline;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.cli.publish.Publishers;
import io.tokenpulse.cli.query.AlertsCommand;
import io.tokenpulse.cli.query.TopicTail;
import io.tokenpulse.cli.simulation.FleetOptions;
import io.tokenpulse.cli.simulation.LiveFleet;
import io.tokenpulse.cli.stack.Home;
import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroStringSerde;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole product in one command: starts the local stack ('up'), runs the pipeline, and feeds it a small live fleet (tenant 'demo', with a policy in minutes instead of months) in which every few seconds a token misbehaves. Prints what it is doing, every alert as it is raised, and a summary every 15 s. Ctrl-C (or --duration) stops the generator, the pipeline and the stack, leaving no process behind."})
public final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    FleetOptions fleet;

    @Option(names = "--keep-stack", description = "Leave the local stack running afterwards (then stop it with 'down').")
    boolean keepStack;


    @Override
    public Integer call() throws Exception {
        AtomicBoolean stopping = new AtomicBoolean();
        LocalStack stack = new LocalStack(Home.dir(), System.out);
        Resources r = new Resources(new LiveFleet(fleet));
        Thread hook = new Thread(() -> {
            stopping.set(true);
            r.fleet.stop();
            r.awaitClosed();
        }, "tokenpulse-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            say("Starting the local stack (Kafka + schema registry)...");
            stack.up(StackOptions.defaults());
            // The demo's one generator publishes in event-time order, live: a few seconds of lateness is plenty, and
            // its alerts then come within seconds of their stories (the default minute suits many real sources).
            Map<String, String> demo = System.getenv().containsKey("TOKENPULSE_LATENESS") ? Map.of()
                    : Map.of(AppConfig.LATENESS, "PT5S");
            AppConfig config = AppConfig.load(Optional.empty(), Optional.of(Home.stackFile()), System.getenv(), demo);
            r.registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());

            say("Starting the TokenPulse pipeline (exactly-once, application.id=" + config.applicationId() + ")...");
            r.app = TokenPulseApp.create(config, r.registry, Clock.systemUTC()).start();
            r.app.awaitRunning(Duration.ofMinutes(2));
            say("Pipeline RUNNING.");
            r.app.queryUrl().ifPresent(url -> say("Dashboard: " + url + "/  (API: " + url + "/api/v1)"));

            r.publisher = Publishers.open(config, r.registry);
            say("Generating a live fleet for tenant '" + LiveFleet.TENANT + "' at ~" + (int) r.fleet.rate()
                    + " events/s; a misbehaving token every 8 s. Alerts follow as the pipeline finds them:");
            r.fleet.start(r.publisher, "demo-generator");

            Map<String, AtomicLong> byType = new ConcurrentHashMap<>();
            AtomicBoolean stopTail = new AtomicBoolean();
            r.stopTail = stopTail;
            r.tailThread = new Thread(() -> {
                try (TopicTail<TokenAlert> tail = new TopicTail<>(config, config.topicName(TopicDef.ALERTS),
                        new AvroStringSerde(r.registry, true).deserializer(),
                        new SpecificAvroDeserializer<>(TokenAlert.class, r.registry), false)) {
                    tail.follow(null, stopTail, a -> {
                        byType.computeIfAbsent(a.getType().name(), k -> new AtomicLong()).incrementAndGet();
                        System.out.println("  ALERT " + AlertsCommand.human(a));
                    });
                }
            }, "demo-alerts");
            r.tailThread.setDaemon(true);
            r.tailThread.start();

            r.fleet.await(Duration.ofSeconds(15), () -> summary(r, byType));
            summary(r, byType);
            return 0;
        } finally {
            say("Stopping: generator, pipeline" + (keepStack ? "" : ", local stack") + "...");
            r.close();
            if (!keepStack) {
                stack.down(false);
            }
            r.closed.countDown();
            if (!stopping.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            say("Stopped.");
        }
    }

    private static void summary(Resources r, Map<String, AtomicLong> byType) {
        long tokens = -1;
        // An exact count: the demo fleet is small, and RocksDB's estimate is far off for small stores.
        try (var all = r.app.streams().store(StoreQueryParameters.fromNameAndType(DetectionTopology.TOKEN_STORE,
                QueryableStoreTypes.<String, Object>keyValueStore())).all()) {
            tokens = 0;
            while (all.hasNext()) {
                all.next();
                tokens++;
            }
        } catch (RuntimeException e) {
            tokens = -1; // a rebalance in progress: report the count next time
        }
        say(String.format("published %,d events (%d failed), %s tokens tracked, %,d dead letters, alerts by type: %s",
                r.fleet.published(), r.fleet.failed(), tokens < 0 ? "?" : String.format("%,d", tokens),
                r.app.deadLetters().total(), new java.util.TreeMap<>(byType)));
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }

    /** Everything the demo started, closed in reverse order exactly once (from the command or the shutdown hook). */
    private static final class Resources {
        final LiveFleet fleet;
        SchemaRegistryClient registry;
        TokenPulseApp app;
        TokenPulsePublisher publisher;
        Thread tailThread;
        AtomicBoolean stopTail;
        final CountDownLatch closed = new CountDownLatch(1);

        Resources(LiveFleet fleet) {
            this.fleet = fleet;
        }

        void close() {
            fleet.close();
            if (publisher != null) {
                publisher.close(Duration.ofSeconds(10));
            }
            if (stopTail != null) {
                stopTail.set(true);
                join(tailThread);
            }
            if (app != null) {
                app.close(Duration.ofSeconds(30));
            }
            if (registry != null) {
                registry.close();
            }
        }

        void awaitClosed() {
            try {
                closed.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void join(Thread t) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
