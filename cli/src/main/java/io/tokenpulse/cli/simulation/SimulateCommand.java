package io.tokenpulse.cli.simulation;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.cli.Errors;
import io.tokenpulse.cli.publish.Publishers;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.producers.sim.CanonicalJson;
import io.tokenpulse.producers.sim.GroundTruth;
import io.tokenpulse.producers.sim.SimConfig;
import io.tokenpulse.producers.sim.SimEvent;
import io.tokenpulse.producers.sim.Simulator;
import io.tokenpulse.producers.sim.TruthEntry;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Simulate a realistic fleet (services, versions, deploys and retirements, diurnal usage, rotations, renewals, forgotten and over-granted tokens, scope creep, misuse, unknown tokens, compromises) over D days of event time, deterministic for a seed, and write its ground truth (every alert the contract says must follow, and the true incident metrics) for 'evaluate'.",
            "Publishes the events in event-time order as fast as the broker takes them (or at --rate), never waiting for the pipeline: the answers do not depend on how the input arrives (docs/TIME.md). The simulator publishes its own tenant policy (durations scaled to days, see docs/SIMULATION.md)."})
public final class SimulateCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tenants", description = "Tenants (default: ${DEFAULT-VALUE}).")
    int tenants = 3;

    @Option(names = "--tokens", description = "Initial tokens over all tenants; rotations and replacements add more (default: ${DEFAULT-VALUE}).")
    int tokens = 1000;

    @Option(names = "--days", description = "Simulated days of event time, at least " + SimConfig.MIN_DAYS + " (default: ${DEFAULT-VALUE}).")
    int days = 30;

    @Option(names = "--seed", description = "Seed: the same seed gives byte-identical events and truth (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--start", description = "First simulated midnight, UTC (default: ${DEFAULT-VALUE}).")
    Instant start = SimConfig.DEFAULT_START;

    @Option(names = "--rate", paramLabel = "EPS", description = "Publish at most this many events per second (default: as fast as possible).")
    Double rate;

    @Option(names = "--truth", paramLabel = "FILE", description = "Write the ground truth here (JSON Lines), for 'evaluate --truth FILE'.")
    Path truthFile;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the contract's canonical JSON Lines here instead of publishing (replay with 'publish --format jsonl FILE').")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (rate != null && rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        SimConfig config = new SimConfig(tenants, tokens, days, seed, start);
        // Publishing needs the cluster: say so before planning a fleet, not after.
        AppConfig app = out == null ? connection.load() : null;
        Simulator simulator = new Simulator(config);
        System.err.printf("Simulating %,d tokens of %d tenant(s) over %d days from %s (seed %d): %s%n", tokens, tenants, days,
                start, seed, simulator.storyCounts());
        Progress progress = new Progress(days);
        GroundTruth truth;
        long failed;
        if (out != null) {
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                truth = simulator.run(new FileSink(w, progress));
            }
            failed = 0;
        } else {
            try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(app.registry().clientConfig());
                 TokenPulsePublisher publisher = Publishers.open(app, registry)) {
                PublishSink sink = new PublishSink(publisher, progress);
                truth = simulator.run(sink);
                publisher.flush();
                failed = sink.failed.get();
            }
        }
        progress.report(true);
        if (truthFile != null) {
            try (BufferedWriter w = Files.newBufferedWriter(truthFile, StandardCharsets.UTF_8)) {
                truth.write(w);
            }
        }
        Map<AlertType, Integer> byType = new EnumMap<>(AlertType.class);
        for (TruthEntry t : truth.alerts()) {
            byType.merge(t.type(), 1, Integer::sum);
        }
        System.out.printf("%s %,d events in %.1f s (%,.0f events/s)%s; %d failed.%n", out != null ? "Wrote" : "Published",
                progress.events, progress.seconds(), progress.events / Math.max(0.001, progress.seconds()),
                out != null ? " to " + out : "", failed);
        System.out.printf("Truth%s: %,d alerts %s, %d incidents (up to %s).%n", truthFile == null ? " (not written: no --truth)" : " in " + truthFile,
                truth.alerts().size(), byType, truth.incidents().size(), Instant.ofEpochMilli(truth.truthUntil()));
        return failed == 0 ? 0 : 2;
    }

    /** Events, rate and share of simulated time, on stderr every few seconds. */
    final class Progress {
        private final int days;
        private final long startNanos = System.nanoTime();
        private long nextReport = startNanos + 3_000_000_000L;
        private long events;
        private long lastEventAt;
        private long paceNanos = startNanos;

        Progress(int days) {
            this.days = days;
        }

        void event(SimEvent e) throws InterruptedException {
            events++;
            lastEventAt = e.at();
            if (rate != null) {
                // Pacing against a schedule, not per-event sleeps: the average rate holds even with coarse sleeps.
                paceNanos += (long) (1e9 / rate);
                long ahead = paceNanos - System.nanoTime();
                if (ahead > 2_000_000) {
                    Thread.sleep(ahead / 1_000_000);
                }
            }
            if (System.nanoTime() >= nextReport) {
                report(false);
            }
        }

        void report(boolean last) {
            nextReport = System.nanoTime() + 3_000_000_000L;
            double share = lastEventAt == 0 ? 0 : 100.0 * (lastEventAt - start.toEpochMilli()) / (days * 86_400_000.0);
            System.err.printf("... %s%,d events, %,.0f events/s, %.1f%% of simulated time (%s)%n", last ? "done: " : "",
                    events, events / Math.max(0.001, seconds()), Math.min(100.0, share),
                    lastEventAt == 0 ? "-" : Instant.ofEpochMilli(lastEventAt));
        }

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }
    }

    private static final class FileSink implements Simulator.Sink {
        private final Writer out;
        private final Progress progress;

        FileSink(Writer out, Progress progress) {
            this.out = out;
            this.progress = progress;
        }

        @Override
        public void accept(SimEvent e) throws IOException, InterruptedException {
            out.write(CanonicalJson.line(e.event().value()));
            out.write('\n');
            progress.event(e);
        }
    }

    /**
     * Publishes as fast as the broker takes it (or at --rate), in the simulator's event-time order, never waiting for
     * the pipeline: its answers do not depend on how the input arrives (docs/TIME.md).
     */
    private static final class PublishSink implements Simulator.Sink {
        private final TokenPulsePublisher publisher;
        private final Progress progress;
        private final AtomicLong failed = new AtomicLong();
        private String firstFailure;

        PublishSink(TokenPulsePublisher publisher, Progress progress) {
            this.publisher = publisher;
            this.progress = progress;
        }

        @Override
        public void accept(SimEvent e) throws InterruptedException {
            Object v = e.event().value();
            CompletableFuture<?> sent;
            if (v instanceof TokenUsageEvent u) {
                sent = publisher.usage(u);
            } else if (v instanceof TokenLifecycleEvent l) {
                sent = publisher.lifecycle(l);
            } else if (v instanceof ServiceDeploymentEvent d) {
                sent = publisher.deployment(d);
            } else if (v instanceof TokenPolicy p) {
                sent = publisher.policy(p);
            } else {
                throw new IllegalStateException("cannot publish " + v.getClass().getName());
            }
            // The failure count is the outcome; the future whenComplete returns would only repeat it.
            var unused = sent.whenComplete((m, error) -> {
                if (error != null && failed.getAndIncrement() == 0) {
                    firstFailure = Errors.describe(error);
                    System.err.println("tokenpulse: send failed: " + firstFailure);
                }
            });
            progress.event(e);
        }

    }
}
