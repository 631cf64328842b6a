package io.tokenpulse.cli.query;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.query.AvroMaps;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroStringSerde;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Print alerts from token-alerts as they arrive (committed ones only: the pipeline writes exactly once). Without --from-beginning only new alerts are shown. Ctrl-C stops, or --idle-timeout."})
public final class AlertsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--from-beginning", description = "Start with the oldest alert still in the topic.")
    boolean fromBeginning;

    @Option(names = "--json", description = "One JSON object per line with the contract's field names (timestamps ISO-8601 UTC).")
    boolean json;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Exit after this many seconds without a new alert (default: run until Ctrl-C).")
    Integer idleTimeout;

    @Override
    public Integer call() {
        AppConfig config = connection.load();
        AtomicBoolean stop = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                main.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TopicTail<TokenAlert> tail = new TopicTail<>(config, config.topicName(TopicDef.ALERTS),
                     new AvroStringSerde(registry, true).deserializer(),
                     new SpecificAvroDeserializer<>(TokenAlert.class, registry), fromBeginning)) {
            long count = tail.follow(idleTimeout == null ? null : Duration.ofSeconds(idleTimeout), stop,
                    alert -> System.out.println(json ? AvroMaps.json(alert) : human(alert)));
            if (!json) {
                System.err.println(count + " alert(s).");
            }
        } finally {
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    public static String human(TokenAlert a) {
        return String.format("%s  %-8s %-24s %s [%s%s]  %s  -> %s", a.getEventTime(), a.getSeverity(), a.getType(),
                a.getTokenId(), a.getTenant(), a.getOwner() == null ? "" : "/" + a.getOwner(), a.getSummary(), a.getAction());
    }
}
