package io.tokenpulse.cli.query;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.query.AvroMaps;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.cli.ConnectionOptions;
import io.tokenpulse.cli.HumanDuration;
import io.tokenpulse.schemas.TopicDef;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "incidents", mixinStandardHelpOptions = true,
        description = {"Print the incident timeline of every compromised token (the latest version of each, from token-incidents), most recently detected first: when it was exposed, reported, detected, revoked and replaced, the attempts after revocation, and the time to detect, revoke and replace."})
public final class IncidentsCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's incidents.")
    String tenant;

    @Option(names = "--json", description = "One JSON object per line with the contract's field names (timestamps ISO-8601 UTC).")
    boolean json;

    @Override
    public Integer call() {
        AppConfig config = connection.load();
        Map<String, IncidentTimeline> latest = new LinkedHashMap<>();
        TopicSnapshot.read(config, TopicDef.INCIDENTS, IncidentTimeline.class, i -> {
            if (tenant == null || tenant.equals(i.getTenant())) {
                latest.put(i.getTenant() + "\u0000" + i.getTokenId(), i); // one partition per token: in order
            }
        });
        List<IncidentTimeline> incidents = new ArrayList<>(latest.values());
        incidents.sort(Comparator.comparing(IncidentTimeline::getDetectedAt).reversed());
        print(incidents, System.out, json);
        if (!json) {
            System.err.println(incidents.size() + " incident(s).");
        }
        return 0;
    }

    static void print(List<IncidentTimeline> incidents, PrintStream out, boolean json) {
        if (json) {
            incidents.forEach(i -> out.println(AvroMaps.json(i)));
            return;
        }
        String format = "%-24s %-12s %-17s %-17s %-17s %-24s %8s %8s %8s %8s%n";
        out.printf(format, "token", "tenant", "detected (UTC)", "revoked", "replacement used", "replaced by",
                "attempts", "detect", "revoke", "replace");
        for (IncidentTimeline i : incidents) {
            out.printf(format, i.getTokenId(), i.getTenant(), minute(i.getDetectedAt()), minute(i.getRevokedAt()),
                    minute(i.getReplacementFirstUsedAt()), i.getReplacedBy() == null ? "-" : i.getReplacedBy(),
                    i.getAttemptsAfterRevocation(), HumanDuration.of(i.getTimeToDetectMs()),
                    HumanDuration.of(i.getTimeToRevokeMs()), HumanDuration.of(i.getTimeToReplaceMs()));
        }
    }

    private static String minute(Instant t) {
        return t == null ? "-" : t.toString().substring(0, 16).replace('T', ' ');
    }
}
