package io.tokenpulse.cli;

import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.local.UpResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the local stack in the background: a single-node Kafka (KRaft) and a schema registry serving the Confluent API (Apicurio), both bound to 127.0.0.1, data under the TokenPulse home (.tokenpulse/). Creates the contract's topics and prints where everything listens. Does nothing if it is already up."})
final class UpCommand implements Callable<Integer> {
    @Option(names = "--kafka-port", description = "Broker port (default: the previous one if free, else any free port).")
    int kafkaPort;

    @Option(names = "--registry-port", description = "Schema registry port (default: the previous one if free, else any free port).")
    int registryPort;

    @Option(names = "--partitions", description = "Partitions of each new topic (default: ${DEFAULT-VALUE}).")
    int partitions = StackOptions.DEFAULT_PARTITIONS;

    @Option(names = "--timeout", description = "How long to wait for each part to be ready, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration timeout = StackOptions.DEFAULT_TIMEOUT;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        LocalStack stack = new LocalStack(Home.dir(), System.out);
        UpResult result = stack.up(StackOptions.defaults()
                .withPorts(kafkaPort, 0, registryPort).withPartitions(partitions).withTimeout(timeout));
        if (!result.alreadyRunning()) {
            System.out.printf("The stack is up in %.1f s. Next: ./tokenpulse run (or ./tokenpulse demo); stop it with ./tokenpulse down.%n",
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
