package io.tokenpulse.cli;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.producers.PublishJob;
import io.tokenpulse.producers.adapters.CloudTrailAdapter;
import io.tokenpulse.producers.adapters.InputAdapter;
import io.tokenpulse.producers.adapters.InputDecoding;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.ParseReport;
import io.tokenpulse.producers.adapters.VaultAuditAdapter;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish events to TokenPulse's input topics as Avro (Confluent wire format). Each rejected record is"
                + " reported with its line and reason; the good records around it still go through. Records that carry no"
                + " token activity are counted by reason, not listed. Ends with the published, rejected and failed counts;"
                + " exit code 0 when nothing was rejected or failed to send, 2 otherwise.",
                "",
                "Formats:",
                "  jsonl        SPEC's canonical JSON Lines: one object per line, \"kind\" usage, lifecycle, deployment or policy.",
                "  cloudtrail   AWS CloudTrail: S3 delivery files ({\"Records\":[...]}) or JSON Lines of event records. A record"
                + " with userIdentity.accessKeyId is a use of that key (scope <service>:<eventName>, outcome from errorCode);"
                + " successful CreateAccessKey issues a key, UpdateAccessKey to Inactive and DeleteAccessKey revoke one,"
                + " AssumeRole*, GetSessionToken and GetFederationToken issue a temporary key with its expiry. Tenant: the"
                + " record's recipientAccountId (else userIdentity.accountId).",
                "  vault-audit  Vault's file audit device (JSON entries, one per line or back to back). Request entries are uses"
                + " (scope <operation>:<path>, \"permission denied\" is DENIED_SCOPE); response entries of successful token"
                + " creates and logins issue, auth/token/renew* renew and auth/token/revoke-self|revoke-accessor revoke."
                + " Token ids are the accessors as logged (hmac-sha256:...). Tenant: the namespace path, else its id, else root.",
                "",
                "Input is decompressed when it is gzip, whatever its name.",
                ""})
final class PublishCommand implements Callable<Integer> {
    /** The input formats; on the command line by {@link #toString()}: jsonl, cloudtrail, vault-audit. */
    enum Format {
        jsonl, cloudtrail, vault_audit;

        @Override
        public String toString() {
            return name().replace('_', '-');
        }

        static Format parse(String s) {
            for (Format f : values()) {
                if (f.toString().equals(s)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("'" + s + "' is not a format: expected one of " + Arrays.toString(values()));
        }
    }

    /** Lists the formats in --help by their command-line names. */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Format.values()).map(Format::toString).iterator();
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = {"-f", "--format"}, required = true, converter = FormatConverter.class, completionCandidates = FormatNames.class,
            description = "Input format: ${COMPLETION-CANDIDATES} (see above).")
    Format format;

    @Parameters(paramLabel = "FILE|-", description = "The file to read (gzip is detected and decompressed), or - for standard input.")
    String input;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "cloudtrail and vault-audit only: the tenant of every event, instead of the AWS account or Vault namespace"
                    + " each record names (canonical JSON Lines carry their own tenant).")
    String tenant;

    @Option(names = "--quiet", description = "Do not print rejected records one by one (the counts are still printed).")
    boolean quiet;

    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return Format.parse(value);
        }
    }

    /** The adapter for the chosen format; --tenant only where records name their own tenant. */
    InputAdapter adapter() {
        if (tenant != null && format == Format.jsonl) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--tenant applies to cloudtrail and vault-audit; canonical JSON Lines name the tenant in every line");
        }
        switch (format) {
            case cloudtrail:
                return new CloudTrailAdapter(tenant);
            case vault_audit:
                return new VaultAuditAdapter(tenant);
            default:
                return new JsonLinesAdapter();
        }
    }

    @Override
    public Integer call() throws IOException {
        InputAdapter adapter = adapter();
        AppConfig config = connection.load();
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TokenPulsePublisher publisher = Publishers.open(config, registry);
             Reader reader = open(input)) {
            PublishJob job = new PublishJob(publisher, Duration.ofSeconds(2));
            PublishJob.Summary s = job.run(adapter.parse(reader),
                    rejected -> {
                        if (!quiet) {
                            System.err.println("rejected " + rejected);
                        }
                    },
                    p -> System.err.printf("... %,d records read, %,d published, %,d rejected (%,.0f records/s)%n",
                            p.read(), p.accepted(), p.rejected(), p.ratePerSecond()));
            s.sendFailures().forEach(f -> System.err.println("send failed " + f));
            System.out.printf("Published %,d, rejected %,d, failed to send %,d (%,d records in %.1f s, %,.0f events/s).%n",
                    s.published(), s.rejected(), s.failedSends(), s.read(), s.elapsed().toMillis() / 1000.0, s.ratePerSecond());
            printCounts("Rejected by reason", s.rejectedByReason());
            ParseReport report = adapter.report();
            printCounts("Ignored (no token activity)", report.ignored());
            printCounts("Fields left out (value unusable, event kept)", report.droppedFields());
            return s.rejected() == 0 && s.failedSends() == 0 ? 0 : 2;
        }
    }

    /** Counts by reason, one line each, only when there are any (a clean jsonl run prints nothing more). */
    private static void printCounts(String title, Map<String, Long> counts) {
        if (counts.isEmpty() || counts.size() == 1 && counts.containsKey("invalid")) {
            return;
        }
        System.out.println(title + ":");
        counts.forEach((reason, n) -> System.out.printf("  %,9d  %s%n", n, reason));
    }

    private static Reader open(String input) throws IOException {
        InputStream in;
        if ("-".equals(input)) {
            in = System.in;
        } else {
            Path path = Path.of(input);
            try {
                in = Files.newInputStream(path);
            } catch (NoSuchFileException e) {
                throw new IOException("no such file: " + path.toAbsolutePath(), e);
            }
        }
        // gzip is told by its magic bytes, not the name: S3 copies of CloudTrail files often lose the .gz.
        return InputDecoding.reader(in);
    }
}
