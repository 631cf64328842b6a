package io.tokenpulse.cli;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Publish the demo's live fleet (tenant 'demo') continuously until Ctrl-C or --duration, against any cluster. The compose stack runs it as its generator."})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--rate", description = "Healthy usage events per second (default: ${DEFAULT-VALUE}).")
    double rate = 20;

    @Option(names = "--duration", description = "Stop after this long, ISO-8601 (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--seed", description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Override
    public Integer call() throws Exception {
        AppConfig config = connection.load();
        Properties props = new Properties();
        props.putAll(config.kafkaClientProperties());
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TokenPulsePublisher publisher = TokenPulsePublisher.create(props, registry, config.topicNames())) {
            DemoGenerator generator = new DemoGenerator(publisher, rate, seed, Clock.systemUTC());
            Thread worker = new Thread(generator, "generator");
            Runtime.getRuntime().addShutdownHook(new Thread(generator::stop));
            worker.start();
            long start = System.nanoTime();
            while (worker.isAlive()) {
                worker.join(10_000);
                System.err.printf("... %,d events published (%d failed)%n", generator.published(), generator.failed());
                if (duration != null && System.nanoTime() - start >= duration.toNanos()) {
                    generator.stop();
                }
            }
            publisher.flush();
            System.out.printf("Published %,d events (%d failed).%n", generator.published(), generator.failed());
            return generator.failed() == 0 ? 0 : 2;
        }
    }
}
