package io.tokenpulse.cli.stack;

import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Report each part of the local stack (every Kafka node, the registry): running or stopped, pid, address, answering or not. Exit code 0 when everything runs and answers, 3 otherwise."})
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object for scripts: {\"home\":..,\"brokers\":[{\"id\":..,\"pid\":..,\"host\":..,\"port\":..,\"state\":..}],\"registry\":{\"pid\":..,\"port\":..,\"url\":..,\"state\":..}}; state is running, starting or stopped.")
    boolean json;

    @Override
    public Integer call() {
        StackStatus status = new LocalStack(Home.dir(), System.out).status();
        if (json) {
            System.out.println(status.toJson());
        } else {
            System.out.println("TokenPulse home: " + status.home());
            if (status.brokers().size() == 1) {
                System.out.println("  " + status.kafka().describe());
            } else {
                status.brokers().forEach(b -> System.out.println("  " + b.asPart().describe()));
            }
            System.out.println("  " + status.registry().describe());
        }
        return status.healthy() ? 0 : 3;
    }
}
