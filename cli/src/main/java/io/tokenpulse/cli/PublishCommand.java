package io.tokenpulse.cli;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.producers.PublishJob;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish events to TokenPulse's input topics as Avro (Confluent wire format). Each rejected line is reported with its number and reason; the good lines around it still go through. Ends with the accepted and rejected counts; exit code 0 when all lines went through, 2 when some were rejected or failed to send."})
final class PublishCommand implements Callable<Integer> {
    enum Format { jsonl }

    @Mixin
    ConnectionOptions connection;

    @Option(names = {"-f", "--format"}, required = true,
            description = "Input format: ${COMPLETION-CANDIDATES} (SPEC's canonical JSON Lines: one object per line, \"kind\" usage, lifecycle, deployment or policy).")
    Format format;

    @Parameters(paramLabel = "FILE|-", description = "The file to read (.gz is decompressed), or - for standard input.")
    String input;

    @Option(names = "--quiet", description = "Do not print rejected lines one by one (the counts are still printed).")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        AppConfig config = connection.load();
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TokenPulsePublisher publisher = Publishers.open(config, registry);
             Reader reader = open(input)) {
            PublishJob job = new PublishJob(publisher, Duration.ofSeconds(2));
            PublishJob.Summary s = job.run(new JsonLinesAdapter().parse(reader),
                    rejected -> {
                        if (!quiet) {
                            System.err.println("rejected " + rejected);
                        }
                    },
                    p -> System.err.printf("... %,d lines read, %,d published, %,d rejected (%,.0f lines/s)%n",
                            p.read(), p.accepted(), p.rejected(), p.ratePerSecond()));
            s.sendFailures().forEach(f -> System.err.println("send failed " + f));
            System.out.printf("Published %,d, rejected %,d, failed to send %,d (%,d lines in %.1f s, %,.0f events/s).%n",
                    s.published(), s.rejected(), s.failedSends(), s.read(), s.elapsed().toMillis() / 1000.0, s.ratePerSecond());
            return s.rejected() == 0 && s.failedSends() == 0 ? 0 : 2;
        }
    }

    private static Reader open(String input) throws IOException {
        InputStream in;
        if ("-".equals(input)) {
            in = System.in;
        } else {
            Path path = Path.of(input);
            try {
                in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
            } catch (NoSuchFileException e) {
                throw new IOException("no such file: " + path.toAbsolutePath(), e);
            }
            if (input.endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
