package io.tokenpulse.cli;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the TokenPulse pipeline in the foreground until Ctrl-C: validation and dead letters, token state, every alert of SPEC.md to token-alerts and token-actions. Exactly-once by default. Default target: the local stack ('up'); any cluster via the options below or TOKENPULSE_* variables."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--ready-timeout", description = "How long to wait for the app to be RUNNING before giving up (default: ${DEFAULT-VALUE}).")
    Duration readyTimeout = Duration.ofMinutes(2);

    @Override
    public Integer call() throws Exception {
        AppConfig config = connection.load();
        TokenPulseApp app = TokenPulseApp.create(config);
        Thread hook = new Thread(() -> {
            System.err.println("tokenpulse: stopping (committing and closing; up to " + config.shutdownTimeout().toSeconds() + " s)...");
            app.close(config.shutdownTimeout());
        }, "tokenpulse-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.start();
        app.awaitRunning(readyTimeout);
        System.out.println("TokenPulse is running (application.id=" + config.applicationId() + ", bootstrap="
                + config.bootstrapServers() + "). Alerts: ./tokenpulse alerts. Ctrl-C stops.");
        KafkaStreams.State end = app.stopped().get();
        return end == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
