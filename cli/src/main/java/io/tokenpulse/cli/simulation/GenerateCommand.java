package io.tokenpulse.cli.simulation;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.cli.publish.Publishers;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Publish the demo's live fleet (tenant 'demo') continuously until Ctrl-C or --duration, against any cluster. The compose stack runs it as its generator."})
public final class GenerateCommand implements Callable<Integer> {
    @Mixin
    FleetOptions fleet;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        AppConfig config = connection.load();
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TokenPulsePublisher publisher = Publishers.open(config, registry)) {
            LiveFleet live = new LiveFleet(fleet);
            try (live) { // closed before the counts below are read: nothing more is sent after it
                Runtime.getRuntime().addShutdownHook(new Thread(live::stop));
                live.start(publisher, "generator");
                live.await(Duration.ofSeconds(10),
                        () -> System.err.printf("... %,d events published (%d failed)%n", live.published(), live.failed()));
            }
            publisher.flush();
            System.out.printf("Published %,d events (%d failed).%n", live.published(), live.failed());
            return live.failed() == 0 ? 0 : 2;
        }
    }
}
