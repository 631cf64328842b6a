package io.tokenpulse.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.app.detect.Token;
import io.tokenpulse.app.metrics.IncidentTimelines;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.state.TokenState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /incidents?tenant=}: the timelines of compromised tokens, open ones first, then by detection time,
 * newest first. Built from the token state with the same code that writes token-incidents, so the API and the
 * topic never disagree.
 */
public final class IncidentResource {
    private final LocalStores stores;
    private final FanOut fanOut;

    public IncidentResource(LocalStores stores, FanOut fanOut) {
        this.stores = stores;
        this.fanOut = fanOut;
    }

    public ApiResponse list(ApiRequest request) {
        Optional<String> tenant = TokenFilter.text(request, "tenant");
        int limit = TokenFilter.limit(request, TokenFilter.DEFAULT_LIMIT);
        if (request.localOnly()) {
            return ApiResponse.json(200, fanOut.local(DetectionTopology.TOKEN_STORE, parts -> Map.of("incidents", local(tenant, request.caller(), parts))));
        }
        TreeMap<String, JsonNode> byToken = new TreeMap<>();
        for (JsonNode answer : fanOut.ask(request, DetectionTopology.TOKEN_STORE, parts -> Map.of("incidents", local(tenant, request.caller(), parts)))) {
            answer.path("incidents").forEach(i -> byToken.putIfAbsent(i.path("tokenId").asText(), i));
        }
        List<JsonNode> all = new ArrayList<>(byToken.values());
        all.sort(Comparator.<JsonNode, Boolean>comparing(i -> !i.path("open").asBoolean())
                .thenComparing(i -> i.path("detectedAt").asText(), Comparator.reverseOrder())
                .thenComparing(i -> i.path("tokenId").asText()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("open", all.stream().filter(i -> i.path("open").asBoolean()).count());
        body.put("total", all.size());
        body.put("incidents", all.subList(0, Math.min(limit, all.size())));
        return ApiResponse.json(200, body);
    }

    private List<Map<String, Object>> local(Optional<String> tenant, Caller caller, Set<Integer> partitions) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int partition : partitions) {
            scan(stores.partition(DetectionTopology.TOKEN_STORE, partition, false), tenant, caller, out);
        }
        return out;
    }

    private static void scan(ReadOnlyKeyValueStore<String, TokenState> store, Optional<String> tenant, Caller caller,
                             List<Map<String, Object>> out) {
        try (KeyValueIterator<String, TokenState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, TokenState> kv = it.next();
                if (kv.value == null || kv.value.getCompromisedAt() == null || !caller.mayRead(kv.value.getTenant())
                        || tenant.map(t -> !t.equals(kv.value.getTenant())).orElse(false)) {
                    continue;
                }
                IncidentTimeline timeline = IncidentTimelines.of(new Token(kv.value));
                if (timeline != null) {
                    out.add(TokenView.incident(timeline));
                }
            }
        }
    }
}
