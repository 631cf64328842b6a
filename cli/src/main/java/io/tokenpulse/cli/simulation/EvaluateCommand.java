package io.tokenpulse.cli.simulation;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.cli.query.TopicTail;
import io.tokenpulse.producers.sim.GroundTruth;
import io.tokenpulse.producers.sim.Score;
import io.tokenpulse.producers.sim.ScoreReport;
import io.tokenpulse.producers.sim.Scorer;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroStringSerde;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score the pipeline against a simulation's ground truth: reads every alert (token-alerts) and the latest incident timeline per token (token-incidents) and prints, per alert type, truth, alerted, true positives, precision and recall, and the true against the measured time to detect, revoke and replace.",
            "An alert matches a truth entry of the same type and token whose event time is within --tolerance; only the truth's tenants count, and unmatched alerts after the truth window are not scored."})
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--truth", required = true, paramLabel = "FILE", description = "The ground truth written by 'simulate --truth FILE'.")
    Path truthFile;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Stop reading a topic after this many seconds without a new record (default: ${DEFAULT-VALUE}).")
    int idleTimeout = 10;

    @Option(names = "--tolerance", paramLabel = "DURATION",
            description = "Largest difference between an alert's and its truth entry's event time, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration tolerance = Scorer.DEFAULT_TOLERANCE;

    @Option(names = "--json", description = "Print the score as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(truthFile)) {
            throw new java.io.FileNotFoundException("no readable truth file: " + truthFile.toAbsolutePath());
        }
        GroundTruth truth;
        try (BufferedReader in = Files.newBufferedReader(truthFile, StandardCharsets.UTF_8)) {
            truth = GroundTruth.read(in);
        }
        AppConfig config = connection.load();
        List<TokenAlert> alerts = new ArrayList<>();
        Map<String, IncidentTimeline> incidents = new HashMap<>();
        Duration idle = Duration.ofSeconds(idleTimeout);
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig())) {
            try (TopicTail<TokenAlert> tail = new TopicTail<>(config, config.topicName(TopicDef.ALERTS),
                    new AvroStringSerde(registry, true).deserializer(), new SpecificAvroDeserializer<>(TokenAlert.class, registry), true)) {
                tail.follow(idle, new AtomicBoolean(), alerts::add);
            }
            try (TopicTail<IncidentTimeline> tail = new TopicTail<>(config, config.topicName(TopicDef.INCIDENTS),
                    new AvroStringSerde(registry, true).deserializer(),
                    new SpecificAvroDeserializer<>(IncidentTimeline.class, registry), true)) {
                // Keyed by tokenId and updated as an incident progresses: the latest value per token wins.
                tail.follow(idle, new AtomicBoolean(), i -> incidents.put(i.getTokenId(), i));
            }
        }
        System.err.printf("Read %,d alert(s) and %,d incident timeline(s).%n", alerts.size(), incidents.size());
        Score score = new Scorer(tolerance).score(truth, alerts, incidents);
        System.out.println(json ? ScoreReport.json(score) : ScoreReport.table(score));
        if (!json && !score.examples().isEmpty()) {
            System.out.println("First differences:");
            score.examples().forEach(e -> System.out.println("  " + e));
        }
        return 0;
    }
}
