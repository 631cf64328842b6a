package io.tokenpulse.app.query;

import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.state.TokenState;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /tokens/{tokenId}}. Routed with the serializer of the store's own key serde (the topics' Avro string
 * keys, {@code Topics.keySerde()}): the token store is partitioned like the input topics, whose keys are Avro
 * strings in the wire format, and a plain string serializer would hash to other partitions.
 */
public final class TokenResource {
    private final Cluster cluster;
    private final KeyLookup lookup;
    private final LocalStores stores;
    private final Serializer<String> keySerializer;

    public TokenResource(Cluster cluster, KeyLookup lookup, LocalStores stores, Serializer<String> keySerializer) {
        this.cluster = cluster;
        this.stores = stores;
        this.lookup = lookup;
        this.keySerializer = keySerializer;
    }

    public ApiResponse get(ApiRequest request) {
        String id = request.pathParam("tokenId");
        if (id == null || id.isBlank() || id.length() > TokenFilter.MAX_TEXT) {
            throw ApiException.badRequest("tokenId must be 1 to " + TokenFilter.MAX_TEXT + " characters");
        }
        cluster.requireRunning();
        Cluster.KeyLocation where = cluster.locate(DetectionTopology.TOKEN_STORE, id, keySerializer);
        String notFound = "no token " + id + " is known";
        if (request.forwarded() && request.forwardMode().orElse("").equals(Forwarder.STALE)) {
            return lookup.answerStale(DetectionTopology.TOKEN_STORE, where, notFound, (partition, stale) -> read(partition, stale, id, request.caller()));
        }
        return lookup.answer(request, DetectionTopology.TOKEN_STORE, where, notFound, (partition, stale) -> read(partition, stale, id, request.caller()));
    }

    /** A token of a tenant out of the caller's scope is read as absent: the same 404, the same body. */
    private Optional<Map<String, Object>> read(int partition, boolean stale, String id, Caller caller) {
        ReadOnlyKeyValueStore<String, TokenState> store = stores.partition(DetectionTopology.TOKEN_STORE, partition, stale);
        TokenState state = store.get(id);
        return Optional.ofNullable(state).filter(s -> caller.mayRead(s.getTenant())).map(TokenView::of);
    }
}
