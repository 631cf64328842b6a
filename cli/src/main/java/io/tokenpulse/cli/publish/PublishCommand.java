package io.tokenpulse.cli.publish;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.producers.PublishJob;
import io.tokenpulse.producers.adapters.CloudTrailAdapter;
import io.tokenpulse.producers.adapters.GitHubAuditAdapter;
import io.tokenpulse.producers.adapters.InputAdapter;
import io.tokenpulse.producers.adapters.InputDecoding;
import io.tokenpulse.producers.adapters.InputFiles;
import io.tokenpulse.producers.adapters.InventoryAdapter;
import io.tokenpulse.producers.adapters.InputLimits;
import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.adapters.MergedInput;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.KubernetesAuditAdapter;
import io.tokenpulse.producers.adapters.ParseReport;
import io.tokenpulse.producers.adapters.VaultAuditAdapter;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.io.Console;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
                "  jsonl        Canonical JSON Lines (docs/CONTRACT.md): one object per line, \"kind\" usage, lifecycle, deployment or policy.",
                "  cloudtrail   AWS CloudTrail: S3 delivery files ({\"Records\":[...]}) or JSON Lines of event records. A record"
                + " with userIdentity.accessKeyId is a use of that key (scope <service>:<eventName>, outcome from errorCode);"
                + " successful CreateAccessKey issues a key, UpdateAccessKey to Inactive and DeleteAccessKey revoke one,"
                + " AssumeRole*, GetSessionToken and GetFederationToken issue a temporary key with its expiry. Tenant: the"
                + " record's recipientAccountId (else userIdentity.accountId).",
                "  vault-audit  Vault's file audit device (JSON entries, one per line or back to back). Request entries are uses"
                + " (scope <operation>:<path>, \"permission denied\" is DENIED_SCOPE); response entries of successful token"
                + " creates and logins issue, auth/token/renew* renew and auth/token/revoke-self|revoke-accessor revoke."
                + " Token ids are the accessors as logged (hmac-sha256:...). Tenant: the namespace path, else its id, else root.",
                "  github-audit GitHub organisation or enterprise audit log (streamed JSON, or REST API pages). An event with a"
                + " token (token_id, else hashed_token) and a programmatic_access_type is a use (scope: the action, or METHOD"
                + " route for api.request; outcome from status_code); personal_access_token.access_revoked/.destroy and"
                + " oauth_access/oauth_authorization.destroy revoke; credential_revoked (a leak) is COMPROMISED and REVOKED;"
                + " grants issue only when they state the expiry. Tenant: business, else org.",
                "  k8s-audit    Kubernetes API server audit events (log backend lines, or webhook EventList). A request whose"
                + " user.extra carries authentication.kubernetes.io/credential-id is a use of that bound token (scope"
                + " <verb>:<resource>); a TokenRequest with issued-credential-id issues it with its expiry; deleting the pod"
                + " or secret a token is bound to revokes it. Only ResponseComplete events count. Tenant: --tenant, else"
                + " kubernetes.",
                "",
                "Inventory (tokens that exist before the logs begin, as lifecycle events; ids derived from the listing, so a"
                + " re-import changes nothing):",
                "  aws-iam-keys   aws iam list-access-keys output: ISSUED at CreateDate, never expiring; Inactive keys also"
                + " REVOKED. aws iam list-users output earlier in the same input gives the user's ARN (principal) and the"
                + " account (tenant); else pass --tenant. The credential report CSV names no key ids and is refused.",
                "  github-tokens  GET /orgs/{org}/personal-access-tokens (fine-grained: ISSUED at access_granted_at, expiring at"
                + " token_expires_at) and GET /orgs/{org}/credential-authorizations (classic: ISSUED at"
                + " credential_authorized_at, expiring at authorized_credential_expires_at). --tenant is required.",
                "",
                "Inputs: files and directories (read recursively, hidden entries skipped), or - for standard input. Gzip is"
                + " told by its magic bytes, whatever the name. Every log format reads one record per line, records back"
                + " to back, pretty-printed records and JSON arrays; cloudtrail also reads S3 delivery files, lookup-events"
                + " output and CloudTrail Lake query results.",
                "",
                "Several files are merged in event-time order, so that a backfill arrives in order: a first pass reads each"
                + " file once and keeps only its time range and count; the second opens a file only while its time range"
                + " overlaps the merge point. Held in memory: per open file, its reader and one record when the file is in"
                + " time order, or all of its events, sorted, when it is not (up to --max-sorted-events; a larger file out"
                + " of order is read as it is and counted). One file or standard input streams once, in its own order.",
                "",
                "Caps (each rejects with a reason; the next good record or file still goes through): --max-record-size"
                + " for a record or line, --max-inflated-size and --max-inflate-ratio for gzip input (a bomb ends its file).",
                ""})
public final class PublishCommand implements Callable<Integer> {
    /** The input formats; on the command line by {@link #toString()}: jsonl, cloudtrail, vault-audit. */
    enum Format {
        jsonl, cloudtrail, vault_audit, github_audit, k8s_audit, aws_iam_keys, github_tokens;

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

    @Parameters(paramLabel = "PATH|-", arity = "1..*",
            description = "Files and directories to read (directories recursively; gzip is detected and decompressed), or - alone"
                    + " for standard input.")
    List<String> inputs;

    @Option(names = "--in-file-order", description = "Read the files one after another in name order instead of merging them"
            + " by event time (one pass instead of two).")
    boolean inFileOrder;

    @Option(names = "--max-record-size", paramLabel = "CHARS", defaultValue = "1048576",
            description = "Longest record (or canonical line) kept, in characters; a longer one is rejected. Default: ${DEFAULT-VALUE}.")
    int maxRecordChars;

    @Option(names = "--max-inflated-size", paramLabel = "BYTES", defaultValue = "8589934592",
            description = "Most bytes one gzip input may inflate to. Default: ${DEFAULT-VALUE} (8 GiB).")
    long maxInflatedBytes;

    @Option(names = "--max-inflate-ratio", paramLabel = "N", defaultValue = "100",
            description = "Most inflated bytes per compressed byte (judged after the first MiB); beyond it a gzip input is a bomb."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxInflateRatio;

    @Option(names = "--max-sorted-events", paramLabel = "N", defaultValue = "2000000",
            description = "Most events of one out-of-order file sorted in memory when merging. Default: ${DEFAULT-VALUE}.")
    int maxSortedEvents;

    @Option(names = "--progress", negatable = true,
            description = "Progress on standard error every 2 s (files, records, rate, ETA). Default: on when attached to a terminal.")
    Boolean progress;

    @Option(names = "--tenant", paramLabel = "TENANT",
            description = "Log formats only: the tenant of every event, instead of the AWS account or Vault namespace"
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

    InputLimits limits() {
        try {
            return new InputLimits(maxRecordChars, maxInflatedBytes, maxInflateRatio);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-record-size, --max-inflated-size and"
                    + " --max-inflate-ratio must be positive");
        }
    }

    /** The adapter for the chosen format; --tenant only where records name their own tenant. */
    InputAdapter adapter(InputLimits limits) {
        if (tenant != null && format == Format.jsonl) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--tenant applies to cloudtrail and vault-audit, github-audit and the inventory formats; canonical JSON Lines name the tenant in every line");
        }
        return switch (format) {
            case cloudtrail -> new CloudTrailAdapter(tenant, limits);
            case vault_audit -> new VaultAuditAdapter(tenant, limits);
            case github_audit -> new GitHubAuditAdapter(tenant, limits);
            case k8s_audit -> new KubernetesAuditAdapter(tenant, limits);
            case aws_iam_keys -> new InventoryAdapter(InventoryAdapter.Kind.AWS_IAM_KEYS, tenant, limits);
            case github_tokens -> new InventoryAdapter(InventoryAdapter.Kind.GITHUB_TOKENS, tenant, limits);
            default -> new JsonLinesAdapter(limits);
        };
    }

    /** What publish reads: standard input, one file, or many files merged. */
    private final class Input implements AutoCloseable {
        final InputAdapter single;
        final MergedInput merged;
        final Reader reader;

        Input(InputLimits limits) throws IOException {
            boolean stdin = inputs.contains("-");
            if (stdin && inputs.size() > 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "- (standard input) cannot be read together with files");
            }
            List<Path> files = stdin ? List.of() : InputFiles.expand(inputs.stream().map(Path::of).collect(Collectors.toList()));
            if (!stdin && files.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no files found in " + String.join(", ", inputs));
            }
            if (stdin || files.size() == 1) {
                single = adapter(limits);
                merged = null;
                // gzip is told by its magic bytes, not the name: S3 copies of CloudTrail files often lose the .gz.
                reader = InputDecoding.reader(stdin ? System.in : Files.newInputStream(files.get(0)), limits);
            } else {
                single = null;
                reader = null;
                merged = new MergedInput(files, () -> adapter(limits), limits, inFileOrder ? 0 : maxSortedEvents);
            }
        }

        Stream<LineResult> results(boolean showProgress) {
            if (merged == null) {
                return single.parse(reader);
            }
            if (inFileOrder) {
                return merged.inFileOrder();
            }
            long started = System.nanoTime();
            long[] nextReport = {started + PROGRESS_EVERY.toNanos()};
            merged.scan(info -> {
                long now = System.nanoTime();
                if (showProgress && now >= nextReport[0]) {
                    nextReport[0] = now + PROGRESS_EVERY.toNanos();
                    System.err.printf("... scanning: %,d of %,d files, %,d records so far%n", merged.scannedFiles(), merged.filesTotal(),
                            merged.totalResults());
                }
            });
            return merged.stream();
        }

        ParseReport report() {
            return merged == null ? single.report() : merged.report();
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
            }
        }
    }

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private String progressLine(PublishJob.Progress p, Input in) {
        StringBuilder b = new StringBuilder("... ");
        if (in.merged != null) {
            b.append(String.format("%,d of %,d files, ", in.merged.filesDone(), in.merged.filesTotal()));
        }
        b.append(String.format("%,d", p.read()));
        long total = in.merged == null || inFileOrder ? 0 : in.merged.totalResults();
        if (total > 0) {
            b.append(String.format(" of %,d", total));
        }
        b.append(String.format(" records, %,d published, %,d rejected, %,.0f records/s", p.accepted(), p.rejected(), p.ratePerSecond()));
        if (total > 0 && p.ratePerSecond() > 0) {
            long left = (long) Math.ceil(Math.max(0, total - p.read()) / p.ratePerSecond());
            b.append(String.format(", ETA %d:%02d", left / 60, left % 60));
        }
        return b.toString();
    }

    @Override
    public Integer call() throws IOException {
        InputLimits limits = limits();
        adapter(limits); // option errors before anything is read or connected
        boolean showProgress = progress != null ? progress : onTerminal();
        Input in = new Input(limits); // the inputs are checked before the cluster is looked for
        AppConfig config;
        try {
            config = connection.load();
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
        try (in;
             SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TokenPulsePublisher publisher = Publishers.open(config, registry);
             Stream<LineResult> results = in.results(showProgress)) {
            PublishJob job = new PublishJob(publisher, PROGRESS_EVERY);
            PublishJob.Summary s = job.run(results,
                    rejected -> {
                        if (!quiet) {
                            System.err.println("rejected " + rejected); // reasons are sanitised by LineResult.Rejected
                        }
                    },
                    p -> {
                        if (showProgress) {
                            System.err.println(progressLine(p, in));
                        }
                    });
            s.sendFailures().forEach(f -> System.err.println("send failed " + f));
            publisher.flush();
            TokenPulsePublisher.DeliveryStats delivery = publisher.deliveryStats();
            System.out.printf("Published %,d, rejected %,d, failed to send %,d (%,d records%s in %.1f s, %,.0f events/s).%n",
                    s.published(), s.rejected(), s.failedSends(), s.read(),
                    in.merged == null ? "" : String.format(" from %,d files", in.merged.filesTotal()),
                    s.elapsed().toMillis() / 1000.0, s.ratePerSecond());
            System.out.println(delivery.describe());
            if (in.merged != null && in.merged.unsortedFiles() > 0) {
                System.out.printf("%,d files were out of time order and larger than --max-sorted-events: read as they are.%n",
                        in.merged.unsortedFiles());
            }
            printCounts("Rejected by reason", s.rejectedByReason());
            ParseReport report = in.report();
            printCounts("Ignored (no token activity)", report.ignored());
            printCounts("Fields left out (value unusable, event kept)", report.droppedFields());
            return s.rejected() == 0 && s.failedSends() == 0 ? 0 : 2;
        }
    }

    /**
     * Whether standard input and output are a terminal. Up to Java 21 System.console() is null exactly when they are
     * not; from Java 22 it is never null, and Console.isTerminal (not in Java 17's API) answers instead.
     */
    @SuppressWarnings("SystemConsoleNull") // the null test is the answer before Java 22, and only used there
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null || Runtime.version().feature() < 22) {
            return console != null;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // cannot ask: a console is taken for a terminal, as before Java 22
        }
    }

    /** Counts by reason, one line each, only when there are any (a clean jsonl run prints nothing more). */
    private static void printCounts(String title, Map<String, Long> counts) {
        if (counts.isEmpty() || (counts.size() == 1 && counts.containsKey("invalid"))) {
            return;
        }
        System.out.println(title + ":");
        counts.forEach((reason, n) -> System.out.printf("  %,9d  %s%n", n, reason));
    }
}
