package io.tokenpulse.cli.stack;

import io.tokenpulse.local.LocalStack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the local stack (Kafka and the registry, with their child processes). Data stays unless --purge.")
public final class DownCommand implements Callable<Integer> {
    @Option(names = "--purge", description = "Also delete all local data: topics, schemas, app state and logs.")
    boolean purge;

    @Override
    public Integer call() {
        boolean wasRunning = new LocalStack(Home.dir(), System.out).down(purge);
        System.out.println(wasRunning ? "The stack is down." : "The stack was not running.");
        return 0;
    }
}
