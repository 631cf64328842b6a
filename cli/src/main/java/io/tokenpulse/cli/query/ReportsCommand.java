package io.tokenpulse.cli.query;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.query.AvroMaps;
import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.cli.HumanDuration;
import io.tokenpulse.schemas.TopicDef;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reports", mixinStandardHelpOptions = true,
        description = {"Print the posture reports written so far to token-reports (one per closed HOURLY or DAILY window, per tenant and per tenant+owner), oldest window first.",
            "Without --owner, the tenant-wide reports; with --owner, that owner's. Durations are p50 (mean and p95 in --json)."})
public final class ReportsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's reports.")
    String tenant;

    @Option(names = "--owner", paramLabel = "OWNER", description = "This owner's reports instead of the tenant-wide ones.")
    String owner;

    @Option(names = "--granularity", paramLabel = "G", description = "HOURLY or DAILY (default: both).")
    Granularity granularity;

    @Option(names = "--last", paramLabel = "N", description = "Only the N most recent windows (default: all).")
    Integer last;

    @Option(names = "--json", description = "One JSON object per line with the contract's field names (timestamps ISO-8601 UTC).")
    boolean json;

    @Override
    public Integer call() {
        AppConfig config = connection.load();
        List<PostureReport> reports = new ArrayList<>();
        TopicSnapshot.read(config, TopicDef.REPORTS, PostureReport.class, r -> {
            if (matches(r)) {
                reports.add(r);
            }
        });
        reports.sort(Comparator.comparing(PostureReport::getWindowStart).thenComparing(PostureReport::getGranularity)
                .thenComparing(PostureReport::getTenant).thenComparing(r -> Objects.toString(r.getOwner(), "")));
        List<PostureReport> shown = last == null || last >= reports.size() ? reports
                : reports.subList(reports.size() - last, reports.size());
        print(shown, System.out, json);
        if (!json) {
            System.err.println(shown.size() + " report(s).");
        }
        return 0;
    }

    private boolean matches(PostureReport r) {
        return (tenant == null || tenant.equals(r.getTenant()))
                && Objects.equals(owner, r.getOwner())
                && (granularity == null || granularity == r.getGranularity());
    }

    static void print(List<PostureReport> reports, PrintStream out, boolean json) {
        if (json) {
            reports.forEach(r -> out.println(AvroMaps.json(r)));
            return;
        }
        String format = "%-17s %-6s %-22s %6s %6s %6s %5s %6s %6s %4s %8s %8s %8s %5s %5s %4s %6s%n";
        out.printf(format, "window (UTC)", "gran", "tenant/owner", "active", "unused", "overpr", "LPR", "no-exp",
                ">max", "inc", "detect", "revoke", "replace", "resid", "brkg", "late", "alerts");
        for (PostureReport r : reports) {
            out.printf(format, r.getWindowStart().toString().substring(0, 16).replace('T', ' '),
                    r.getGranularity() == Granularity.HOURLY ? "hour" : "day",
                    r.getTenant() + (r.getOwner() == null ? "" : "/" + r.getOwner()),
                    r.getActiveTokens(), r.getUnusedTokens(), r.getOverPrivilegedTokens(),
                    r.getLeastPrivilegeRatio() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.getLeastPrivilegeRatio()),
                    r.getTokensWithoutExpiry(), r.getTokensOverMaxLifetime(), r.getIncidents(),
                    HumanDuration.of(r.getTimeToDetectP50Ms()), HumanDuration.of(r.getTimeToRevokeP50Ms()),
                    HumanDuration.of(r.getTimeToReplaceP50Ms()), r.getResidualExposure(), r.getExpiryBreakage(),
                    r.getLateEvents(), r.getAlertsByType().values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
