package io.tokenpulse.cli.stack;

import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.local.UpResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the local stack in the background: Kafka (KRaft; one node, or three with --brokers 3) and a schema registry serving the Confluent API (Apicurio), all bound to 127.0.0.1, data under the TokenPulse home (.tokenpulse/). Creates the contract's topics and prints where everything listens. On a stack that is partly up it starts only the parts that are down; on one that is up it does nothing.",
            "With --brokers 3 every topic (the contract's, the app's internal ones, offsets and transactions) has 3 replicas and min.insync.replicas 2: any one broker may die without losing an acknowledged record. A home keeps its broker count; 'down --purge' to change it."})
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--kafka-port", description = "Port of the (first) broker (default: the previous one if free, else any free port).")
    int kafkaPort;

    @Option(names = "--registry-port", description = "Schema registry port (default: the previous one if free, else any free port).")
    int registryPort;

    @Option(names = "--brokers", paramLabel = "N",
            description = "Kafka nodes: 1 or 3 (default: as many as this home already has, else 1).")
    int brokers;

    @Option(names = "--partitions", description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
    int partitions = StackOptions.DEFAULT_PARTITIONS;

    @Option(names = "--timeout", description = "How long to wait for each part to be ready, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout = StackOptions.DEFAULT_TIMEOUT;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        LocalStack stack = new LocalStack(Home.dir(), System.out);
        UpResult result = stack.up(StackOptions.defaults()
                .withPorts(kafkaPort, 0, registryPort).withPartitions(partitions).withTimeout(timeout)
                .withBrokers(brokers));
        if (!result.alreadyRunning()) {
            System.out.printf("The stack is up in %.1f s. Next: ./tokenpulse run (or ./tokenpulse demo); stop it with ./tokenpulse down.%n",
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
