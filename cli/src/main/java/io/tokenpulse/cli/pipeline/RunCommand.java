package io.tokenpulse.cli.pipeline;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.ConnectionOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the TokenPulse pipeline in the foreground until Ctrl-C: validation and dead letters, token state, every alert of the contract (docs/CONTRACT.md) to token-alerts and token-actions. Exactly-once by default. Default target: the local stack ('up'); any cluster via the options below or TOKENPULSE_* variables."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--ready-timeout", description = "How long to wait for the app to be RUNNING before giving up (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout = Duration.ofMinutes(2);

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Create this file once the app is RUNNING and delete it when it stops (for container healthchecks).")
    java.nio.file.Path readyFile;

    @Override
    public Integer call() throws Exception {
        AppConfig config = connection.load();
        TokenPulseApp app = TokenPulseApp.create(config);
        if (readyFile != null) {
            java.nio.file.Files.deleteIfExists(readyFile); // a file left by an earlier run must not pass for this one
        }
        Thread hook = new Thread(() -> {
            System.err.println("tokenpulse: stopping (committing and closing; up to " + config.shutdownTimeout().toSeconds() + " s)...");
            notReady();
            app.close(config.shutdownTimeout());
        }, "tokenpulse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.start();
        app.awaitRunning(readyTimeout);
        System.out.println("TokenPulse is running (application.id=" + config.applicationId() + ", bootstrap="
                + config.bootstrapServers() + "). Alerts: ./tokenpulse alerts. Ctrl-C stops.");
        app.queryUrl().ifPresent(url -> System.out.println("Query API: " + url + "/api/v1 (./tokenpulse query --help)"));
        if (readyFile != null) {
            java.nio.file.Files.writeString(readyFile, "RUNNING since " + java.time.Instant.now() + System.lineSeparator());
        }
        KafkaStreams.State end = app.stopped().get();
        notReady();
        return end == KafkaStreams.State.ERROR ? 1 : 0;
    }

    private void notReady() {
        if (readyFile != null) {
            try {
                java.nio.file.Files.deleteIfExists(readyFile);
            } catch (java.io.IOException e) {
                System.err.println("tokenpulse: cannot delete the ready file " + readyFile + ": " + e.getMessage());
            }
        }
    }
}
