package io.tokenpulse.cli.simulation;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.cli.publish.Publishers;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Publish the demo's live fleet (tenant 'demo') continuously until Ctrl-C or --duration, against any cluster. The compose stack runs it as its generator."})
public final class GenerateCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    FleetOptions fleet;

    @Mixin
    ConnectionOptions connection;


    @Override
    public Integer call() throws Exception {
        AppConfig config = connection.load();
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TokenPulsePublisher publisher = Publishers.open(config, registry)) {
            DemoGenerator generator = new DemoGenerator(publisher, fleet.rate, fleet.seed, Clock.systemUTC());
            Thread worker = new Thread(generator, "generator");
            Runtime.getRuntime().addShutdownHook(new Thread(generator::stop));
            worker.start();
            long start = System.nanoTime();
            while (worker.isAlive()) {
                worker.join(10_000);
                System.err.printf("... %,d events published (%d failed)%n", generator.published(), generator.failed());
                if (fleet.duration != null && System.nanoTime() - start >= fleet.duration.toNanos()) {
                    generator.stop();
                }
            }
            publisher.flush();
            System.out.printf("Published %,d events (%d failed).%n", generator.published(), generator.failed());
            return generator.failed() == 0 ? 0 : 2;
        }
    }
}
