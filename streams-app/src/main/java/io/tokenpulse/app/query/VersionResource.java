package io.tokenpulse.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.app.detect.DetectionTopology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /services/{service}/versions}: per version of a service, whether it is deployed or retired and the
 * active tokens still bound to it (phase-out progress). The version store is keyed by tenant/service@version and a
 * service has few versions spread over partitions, so every instance scans its share and the answers are merged.
 * Layout of the store: see VersionProcessor ({@code S|version} status, {@code B|version|tokenId} bindings).
 */
public final class VersionResource {
    /** Bound token ids listed per version; the count is always exact. */
    static final int TOKENS_SHOWN = 100;

    private final LocalStores stores;
    private final FanOut fanOut;

    public VersionResource(LocalStores stores, FanOut fanOut) {
        this.stores = stores;
        this.fanOut = fanOut;
    }

    public ApiResponse get(ApiRequest request) {
        String service = request.pathParam("service");
        if (service == null || service.isBlank() || service.length() > TokenFilter.MAX_TEXT) {
            throw ApiException.badRequest("service must be 1 to " + TokenFilter.MAX_TEXT + " characters");
        }
        Optional<String> tenant = TokenFilter.text(request, "tenant");
        if (request.localOnly()) {
            return ApiResponse.json(200, fanOut.local(DetectionTopology.VERSION_STORE, parts -> Map.of("versions", local(service, tenant, request.caller(), parts))));
        }
        TreeMap<String, JsonNode> byKey = new TreeMap<>();
        for (JsonNode answer : fanOut.ask(request, DetectionTopology.VERSION_STORE, parts -> Map.of("versions", local(service, tenant, request.caller(), parts)))) {
            answer.path("versions").forEach(v -> byKey.putIfAbsent(v.path("tenant").asText() + "/" + v.path("version").asText(), v));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service", service);
        body.put("versions", new ArrayList<>(byKey.values()));
        return ApiResponse.json(200, body);
    }

    private List<Map<String, Object>> local(String service, Optional<String> tenant, Caller caller, Set<Integer> partitions) {
        Map<String, Version> versions = new TreeMap<>();
        for (int partition : partitions) {
            ReadOnlyKeyValueStore<String, Long> progress = stores.partition(DetectionTopology.VERSION_PROGRESS_STORE, partition, false);
            Long now = progress.get(io.tokenpulse.app.time.Progress.WATERMARK);
            scan(stores.partition(DetectionTopology.VERSION_STORE, partition, false), service, tenant, caller, versions,
                    now == null ? Long.MIN_VALUE : now);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        versions.values().forEach(v -> out.add(v.toMap()));
        return out;
    }

    /**
     * {@code now}: the version task's event time (its watermark): a token still holds a version until its stated expiry
     * or its end, as of the pipeline's event time, so a replay of old logs shows what was active then.
     */
    private static void scan(ReadOnlyKeyValueStore<String, String> store, String service, Optional<String> tenant,
                             Caller caller, Map<String, Version> versions, long now) {
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                boolean status = kv.key.startsWith("S|");
                boolean binding = kv.key.startsWith("B|");
                if (!status && !binding) {
                    continue;
                }
                String rest = kv.key.substring(2);
                // S|<version>|<16 hex digits of time>|<eventId> (see VersionProcessor); B|<version>|<tokenId>.
                String versionKey = status ? rest.substring(0, Math.max(0, rest.indexOf('|')))
                        : rest.substring(0, Math.max(0, rest.lastIndexOf('|')));
                Version v = Version.parse(versionKey);
                if (v == null || !v.service.equals(service) || !caller.mayRead(v.tenant)
                        || tenant.map(t -> !t.equals(v.tenant)).orElse(false)) {
                    continue;
                }
                Version entry = versions.computeIfAbsent(versionKey, k -> v);
                if (status) {
                    String hex = rest.substring(versionKey.length() + 1, Math.min(rest.length(), versionKey.length() + 17));
                    long at = Long.parseUnsignedLong(hex, 16) ^ Long.MIN_VALUE;
                    boolean retired = kv.value.equals("RETIRED");
                    if (entry.statusMs == null || at > entry.statusMs || (at == entry.statusMs && retired)) {
                        entry.statusMs = at;
                        entry.status = kv.value;
                        entry.statusAt = Json.time(at);
                    }
                } else {
                    var bound = io.tokenpulse.app.detect.VersionProcessor.Bound.parse(kv.value);
                    if (bound.until() == null || bound.until() > now) {
                        entry.tokens.add(rest.substring(rest.lastIndexOf('|') + 1));
                    }
                }
            }
        }
    }

    /** One version being tallied. */
    private static final class Version {
        final String tenant;
        final String service;
        final String version;
        String status = "UNKNOWN";
        String statusAt;
        Long statusMs;
        final TreeSet<String> tokens = new TreeSet<>();

        private Version(String tenant, String service, String version) {
            this.tenant = tenant;
            this.service = service;
            this.version = version;
        }

        /** tenant/service@version; null for a key of another shape. */
        static Version parse(String key) {
            int slash = key.indexOf('/');
            int at = key.lastIndexOf('@');
            if (slash < 0 || at < slash) {
                return null;
            }
            return new Version(key.substring(0, slash), key.substring(slash + 1, at), key.substring(at + 1));
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tenant", tenant);
            m.put("version", version);
            m.put("status", status);
            m.put("statusAt", statusAt);
            m.put("activeBoundTokens", tokens.size());
            m.put("tokens", new ArrayList<>(tokens).subList(0, Math.min(TOKENS_SHOWN, tokens.size())));
            return m;
        }
    }
}
