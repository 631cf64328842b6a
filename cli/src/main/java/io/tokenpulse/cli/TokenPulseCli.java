package io.tokenpulse.cli;

import io.tokenpulse.cli.pipeline.DemoCommand;
import io.tokenpulse.cli.pipeline.RunCommand;
import io.tokenpulse.cli.publish.PublishCommand;
import io.tokenpulse.cli.query.AlertsCommand;
import io.tokenpulse.cli.query.IncidentsCommand;
import io.tokenpulse.cli.query.QueryCommand;
import io.tokenpulse.cli.query.ReportsCommand;
import io.tokenpulse.cli.simulation.EvaluateCommand;
import io.tokenpulse.cli.simulation.GenerateCommand;
import io.tokenpulse.cli.simulation.SimulateCommand;
import io.tokenpulse.cli.stack.ClusterCheck;
import io.tokenpulse.cli.stack.DownCommand;
import io.tokenpulse.cli.stack.StatusCommand;
import io.tokenpulse.cli.stack.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tokenpulse} command. */
@Command(name = "tokenpulse",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {"TokenPulse watches every API token's lifecycle and use on Kafka and says, continuously, which tokens are unused, over-privileged, misused, out of policy or bound to retired versions.",
            "Local stack: 'up' starts a real Kafka broker and schema registry on this machine, 'run' runs the pipeline against it (or any cluster: --bootstrap-servers, --schema-registry-url, --config, TOKENPULSE_* variables), 'demo' does all of it with a built-in event generator."},
        subcommands = {
            UpCommand.class, DownCommand.class, StatusCommand.class, RunCommand.class, PublishCommand.class,
            AlertsCommand.class, ReportsCommand.class, IncidentsCommand.class, QueryCommand.class, DemoCommand.class,
            GenerateCommand.class, SimulateCommand.class, EvaluateCommand.class,
            CommandLine.HelpCommand.class})
public final class TokenPulseCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run it in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TokenPulseCli());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof ClusterCheck.Unavailable) {
                // Nothing to connect to: like a usage error, the user fixes the command line or starts the stack.
                line.getErr().println(line.getColorScheme().errorText("tokenpulse: " + ex.getMessage()));
                return 2;
            }
            line.getErr().println(line.getColorScheme().errorText("tokenpulse: " + Errors.describe(ex)));
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
