package io.tokenpulse.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.app.detect.Token;
import io.tokenpulse.avro.state.TokenState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /tokens}: filtered pages sorted by tokenId, merged across instances. The store is keyed by Avro-encoded
 * ids (a length prefix first), so its order is not the ids' order and a range scan cannot start at the cursor: each
 * instance scans its partitions once and keeps the {@code limit} smallest ids after the cursor.
 */
public final class TokenListResource {
    private final LocalStores stores;
    private final FanOut fanOut;

    public TokenListResource(LocalStores stores, FanOut fanOut) {
        this.stores = stores;
        this.fanOut = fanOut;
    }

    public ApiResponse list(ApiRequest request) {
        TokenFilter filter = TokenFilter.from(request);
        if (request.localOnly()) {
            return ApiResponse.json(200, fanOut.local(DetectionTopology.TOKEN_STORE, partitions -> local(filter, request.caller(), partitions)));
        }
        TreeMap<String, JsonNode> merged = new TreeMap<>();
        boolean more = false;
        for (JsonNode answer : fanOut.ask(request, DetectionTopology.TOKEN_STORE, partitions -> local(filter, request.caller(), partitions))) {
            for (JsonNode token : answer.path("tokens")) {
                merged.putIfAbsent(token.path("tokenId").asText(), token);
            }
            more |= answer.path("more").asBoolean(false);
        }
        List<JsonNode> page = new ArrayList<>(merged.values()).subList(0, Math.min(filter.limit(), merged.size()));
        boolean next = more || merged.size() > filter.limit();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tokens", page);
        body.put("count", page.size());
        body.put("nextCursor", next && !page.isEmpty() ? Cursor.encode(page.get(page.size() - 1).path("tokenId").asText()) : null);
        return ApiResponse.json(200, body);
    }

    /** This instance's share: at most {@code limit} tokens of the caller's tenants, and whether it holds more. */
    Map<String, Object> local(TokenFilter filter, Caller caller, Set<Integer> partitions) {
        TreeMap<String, TokenState> smallest = new TreeMap<>();
        for (int partition : partitions) {
            scan(stores.partition(DetectionTopology.TOKEN_STORE, partition, false), filter, caller, smallest);
        }
        boolean more = smallest.size() > filter.limit();
        if (more) {
            smallest.pollLastEntry();
        }
        List<Map<String, Object>> tokens = new ArrayList<>();
        smallest.values().forEach(s -> tokens.add(TokenView.of(s)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tokens", tokens);
        body.put("more", more);
        return body;
    }

    private static void scan(ReadOnlyKeyValueStore<String, TokenState> store, TokenFilter filter, Caller caller,
                             NavigableMap<String, TokenState> smallest) {
        try (KeyValueIterator<String, TokenState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, TokenState> kv = it.next();
                if (kv.value == null || !caller.mayRead(kv.value.getTenant()) || !smallestCanTake(smallest, kv.key, filter.limit())) {
                    continue;
                }
                if (filter.matches(new Token(kv.value))) {
                    smallest.put(kv.key, kv.value);
                    if (smallest.size() > filter.limit() + 1) {
                        smallest.pollLastEntry();
                    }
                }
            }
        }
    }

    /** Skips decoding a token's view when its id could not enter the page anyway. */
    private static boolean smallestCanTake(NavigableMap<String, TokenState> smallest, String id, int limit) {
        return smallest.size() <= limit || id.compareTo(smallest.lastKey()) < 0;
    }
}
