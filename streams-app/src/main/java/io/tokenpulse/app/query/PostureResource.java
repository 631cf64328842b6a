package io.tokenpulse.app.query;

import io.tokenpulse.app.metrics.PostureFlags;
import io.tokenpulse.app.metrics.ReportProcessor;
import io.tokenpulse.app.metrics.ReportTopology;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.state.ReportCursor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /tenants/{tenant}/posture}: the running gauges of the report cursors (tenant-wide and per owner) and
 * the latest hourly and daily report of each, from the report processor's small latest-report store. Both stores
 * sit on the report processor's partitions, which {@link ReportTopology.FactPartitioner} chose (murmur2 of the
 * tenant's plain UTF-8 bytes), so the lookup routes with that partitioner, not with the topics' key serde.
 */
public final class PostureResource {
    private static final StringSerializer KEYS = new StringSerializer();
    private static final char SEP = '\u0000';
    private static final char OWNER = '\u0001';

    private final Cluster cluster;
    private final KeyLookup lookup;
    private final LocalStores stores;
    private final ReportTopology.FactPartitioner partitioner = new ReportTopology.FactPartitioner();

    public PostureResource(Cluster cluster, KeyLookup lookup, LocalStores stores) {
        this.cluster = cluster;
        this.lookup = lookup;
        this.stores = stores;
    }

    public ApiResponse get(ApiRequest request) {
        String tenant = request.pathParam("tenant");
        if (tenant == null || tenant.isBlank() || tenant.length() > TokenFilter.MAX_TEXT) {
            throw ApiException.badRequest("tenant must be 1 to " + TokenFilter.MAX_TEXT + " characters");
        }
        cluster.requireRunning();
        Cluster.KeyLocation where = cluster.locate(ReportTopology.CURSOR_STORE, tenant, partitioner);
        String notFound = "no posture for tenant " + tenant + " yet (no report window has seen it)";
        if (request.forwardMode().orElse("").equals(Forwarder.STALE)) {
            return lookup.answerStale(ReportTopology.CURSOR_STORE, where, notFound, (partition, stale) -> read(partition, stale, tenant, request.caller()));
        }
        return lookup.answer(request, ReportTopology.CURSOR_STORE, where, notFound, (partition, stale) -> read(partition, stale, tenant, request.caller()));
    }

    /**
     * A tenant out of the caller's scope is read as one without posture, on the instance that holds it: the same
     * route, the same 404 and body as a tenant nobody has heard of.
     */
    private Optional<Map<String, Object>> read(int partition, boolean stale, String tenant, Caller caller) {
        if (!caller.mayRead(tenant)) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<String, ReportCursor> store = stores.partition(ReportTopology.CURSOR_STORE, partition, stale);
        String prefix = tenant + SEP;
        Map<String, Object> gauges = new TreeMap<>();
        Map<String, Object> tenantWide = null;
        try (KeyValueIterator<String, ReportCursor> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, ReportCursor> kv = it.next();
                Map<String, Object> g = gauges(kv.value);
                if (kv.key.equals(prefix)) {
                    tenantWide = g;
                } else if (kv.key.length() > prefix.length() && kv.key.charAt(prefix.length()) == OWNER) {
                    gauges.put(kv.key.substring(prefix.length() + 1), g);
                }
            }
        }
        if (tenantWide == null) {
            return Optional.empty();
        }
        // The latest reports live in a sibling store of the same processor, so on the same partition.
        ReadOnlyKeyValueStore<String, PostureReport> latestStore = stores.partition(ReportTopology.LATEST_STORE, partition, stale);
        List<Map<String, Object>> latest = new ArrayList<>();
        try (KeyValueIterator<String, PostureReport> it = latestStore.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> latest.add(AvroMaps.of(kv.value)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant);
        body.put("gauges", tenantWide);
        body.put("owners", gauges);
        body.put("latestReports", latest);
        return Optional.of(body);
    }

    private static Map<String, Object> gauges(ReportCursor c) {
        List<Long> g = c.getGauges();
        Map<String, Object> m = new LinkedHashMap<>();
        // The cursor holds the gauges at the end of the last closed hourly window (late changes added).
        m.put("asOf", c.getNextHour() == ReportProcessor.NOT_STARTED ? null : Instant.ofEpochMilli(c.getNextHour()).toString());
        m.put("activeTokens", at(g, PostureFlags.ACTIVE));
        m.put("unusedTokens", at(g, PostureFlags.UNUSED));
        m.put("overPrivilegedTokens", at(g, PostureFlags.OVER_PRIVILEGED));
        m.put("tokensWithoutExpiry", at(g, PostureFlags.WITHOUT_EXPIRY));
        m.put("tokensOverMaxLifetime", at(g, PostureFlags.OVER_MAX_LIFETIME));
        long judged = at(g, PostureFlags.JUDGED);
        m.put("leastPrivilegeRatio", judged == 0 ? null : (double) at(g, PostureFlags.LEAST_PRIVILEGED) / judged);
        return m;
    }

    private static long at(List<Long> g, int i) {
        return i < g.size() ? g.get(i) : 0;
    }
}
