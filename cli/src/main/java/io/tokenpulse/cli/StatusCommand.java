package io.tokenpulse.cli;

import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Report each part of the local stack: running or stopped, pid, address, answering or not. Exit code 0 when everything runs and answers, 3 otherwise."})
final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        StackStatus status = new LocalStack(Home.dir(), System.out).status();
        System.out.println("TokenPulse home: " + status.home());
        System.out.println("  " + status.kafka().describe());
        System.out.println("  " + status.registry().describe());
        return status.allRunning() && status.kafka().answering() && status.registry().answering() ? 0 : 3;
    }
}
