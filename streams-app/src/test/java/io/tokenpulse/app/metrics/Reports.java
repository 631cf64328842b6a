package io.tokenpulse.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.app.detect.Fleet;
import io.tokenpulse.avro.Granularity;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.PostureReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.test.TestRecord;

/** The reports and incident timelines a {@link Fleet} wrote, checked for what every one owes its readers. */
final class Reports {
    private final Fleet fleet;
    private final List<PostureReport> reports = new ArrayList<>();
    private final List<IncidentTimeline> incidents = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    Reports(Fleet fleet) {
        this.fleet = fleet;
    }

    /** Every report of tenant acme so far; each window of each tenant/owner/granularity exactly once. */
    List<PostureReport> all() {
        for (TestRecord<String, PostureReport> r : fleet.p.read(fleet.p.topics.reports())) {
            PostureReport report = r.value();
            assertEquals(report.getTenant(), r.key(), "token-reports is keyed by tenant");
            assertEquals(report.getWindowEnd().toEpochMilli(), r.timestamp(), "a report is timestamped at its window's end");
            String id = report.getTenant() + "|" + report.getOwner() + "|" + report.getGranularity() + "|" + report.getWindowStart();
            if (!seen.add(id)) {
                throw new AssertionError("a second report for " + id + ": " + report);
            }
            if (report.getTenant().equals(Fleet.TENANT)) {
                reports.add(report);
            }
        }
        return reports;
    }

    PostureReport hourly(String owner, Instant start) {
        return one(owner, Granularity.HOURLY, start);
    }

    PostureReport daily(String owner, Instant start) {
        return one(owner, Granularity.DAILY, start);
    }

    PostureReport one(String owner, Granularity g, Instant start) {
        return all().stream()
                .filter(r -> Objects.equals(r.getOwner(), owner) && r.getGranularity() == g && r.getWindowStart().equals(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + g + " report for owner " + owner + " at " + start + " in " + reports));
    }

    boolean has(String owner, Granularity g, Instant start) {
        return all().stream().anyMatch(r -> Objects.equals(r.getOwner(), owner) && r.getGranularity() == g
                && r.getWindowStart().equals(start));
    }

    /** Every timeline written so far, in order; keyed by tokenId. */
    List<IncidentTimeline> timelines() {
        for (TestRecord<String, IncidentTimeline> r : fleet.p.read(fleet.p.topics.incidents())) {
            assertEquals(r.value().getTokenId(), r.key(), "token-incidents is keyed by tokenId");
            incidents.add(r.value());
        }
        return incidents;
    }
}
