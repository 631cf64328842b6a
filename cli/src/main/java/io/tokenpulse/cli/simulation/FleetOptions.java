package io.tokenpulse.cli.simulation;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How the demo fleet is generated, for 'demo' and 'generate'. */
public final class FleetOptions {
    @Option(names = "--rate", description = "Healthy usage events per second (default: ${DEFAULT-VALUE}).")
    double rate = 20;

    @Option(names = "--duration", description = "Stop by itself after this long, ISO-8601 (e.g. PT5M; default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--seed", description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed = 42;
}
