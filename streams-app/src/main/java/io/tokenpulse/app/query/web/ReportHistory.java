package io.tokenpulse.app.query.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The posture reports read from token-reports, one series per tenant, owner (or the tenant as a whole) and
 * granularity, ordered by window start. A report for a window already held replaces it (a re-emitted window carries
 * late corrections). Each series keeps its newest {@link #MAX_POINTS} windows: 60 days of hours, years of days.
 */
public final class ReportHistory {
    static final int MAX_POINTS = 1440;

    /** A series' key; {@code owner} is empty for the tenant-wide one. */
    record Series(String tenant, String owner, String granularity) implements Comparable<Series> {
        @Override
        public int compareTo(Series o) {
            int c = tenant.compareTo(o.tenant);
            c = c != 0 ? c : owner.compareTo(o.owner);
            return c != 0 ? c : granularity.compareTo(o.granularity);
        }
    }

    private final TreeMap<Series, NavigableMap<Long, Map<String, Object>>> series = new TreeMap<>();

    public synchronized void add(String tenant, String owner, String granularity, long windowStart, Map<String, Object> report) {
        NavigableMap<Long, Map<String, Object>> points = series.computeIfAbsent(
                new Series(tenant, owner == null ? "" : owner, granularity), k -> new TreeMap<>());
        points.put(windowStart, report);
        while (points.size() > MAX_POINTS) {
            points.pollFirstEntry();
        }
    }

    /** The reports of one series from {@code fromMs} on, oldest first. */
    public synchronized List<Map<String, Object>> reports(String tenant, Optional<String> owner, String granularity, long fromMs) {
        NavigableMap<Long, Map<String, Object>> points = series.get(new Series(tenant, owner.orElse(""), granularity));
        return points == null ? List.of() : new ArrayList<>(points.tailMap(fromMs, true).values());
    }

    /** Every tenant with a report, and its owners. */
    public synchronized Map<String, SortedSet<String>> owners(Predicate<String> tenants) {
        Map<String, SortedSet<String>> out = new TreeMap<>();
        for (Series s : series.keySet()) {
            if (tenants.test(s.tenant())) {
                SortedSet<String> owners = out.computeIfAbsent(s.tenant(), t -> new TreeSet<>());
                if (!s.owner().isEmpty()) {
                    owners.add(s.owner());
                }
            }
        }
        return out;
    }
}
