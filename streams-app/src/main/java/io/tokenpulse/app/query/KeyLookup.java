package io.tokenpulse.app.query;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a question about one key where the key lives: here when this instance is the active host, else at the
 * active host, else (the active host unreachable) from a standby, marked {@code "stale": true}. Never from a guess:
 * unknown ownership, a moving store or no reachable copy is a 503.
 */
public final class KeyLookup {
    private static final Logger log = LoggerFactory.getLogger(KeyLookup.class);

    /** Reads the answer from one partition of the store, or its standby copy; empty when the key is not there. */
    @FunctionalInterface
    public interface Read {
        Optional<Map<String, Object>> at(int partition, boolean stale);
    }

    private final Cluster cluster;
    private final Forwarder forwarder;

    public KeyLookup(Cluster cluster, Forwarder forwarder) {
        this.cluster = cluster;
        this.forwarder = forwarder;
    }

    /**
     * Answers a request for one key: here when this instance is its active host, else from the active host, else (stale)
     * from a standby.
     *
     * @param location where the key lives (from {@link Cluster#locate})
     * @param read     the answer from one partition, empty when the key is not there (404)
     */
    public ApiResponse answer(ApiRequest request, String store, Cluster.KeyLocation location, String notFound,
                              Read read) {
        cluster.requireRunning();
        HostInfo self = cluster.self();
        if (location.active().equals(self)) {
            return local(location.partition(), false, notFound, read);
        }
        if (request.forwarded()) {
            // Routed here by a peer whose metadata says we are active, but ours does not: ownership is moving.
            throw ApiException.unavailable("ownership of this key is moving between instances; retry shortly");
        }
        try {
            return forwarder.get(location.active(), request.path(), request.query(), request.caller(), Forwarder.ACTIVE);
        } catch (Forwarder.PeerUnavailable e) {
            log.warn("Active host {} of {} partition {} is unreachable ({}); trying standbys {}",
                    location.active(), store, location.partition(), e.getMessage(), location.standbys());
        }
        if (location.standbys().contains(self)) {
            return local(location.partition(), true, notFound, read);
        }
        for (HostInfo standby : location.standbys()) {
            try {
                return forwarder.get(standby, request.path(), request.query(), request.caller(), Forwarder.STALE);
            } catch (Forwarder.PeerUnavailable e) {
                log.warn("Standby {} of {} partition {} is unreachable too ({})", standby, store, location.partition(),
                        e.getMessage());
            }
        }
        throw ApiException.unavailable("no instance holding this key answers right now; retry shortly");
    }

    /** A request a peer sent here for a standby copy, since the active host was unreachable. */
    public ApiResponse answerStale(String store, Cluster.KeyLocation location, String notFound,
                                   Read read) {
        cluster.requireRunning();
        boolean active = location.active().equals(cluster.self());
        return local(location.partition(), !active, notFound, read);
    }

    private ApiResponse local(int partition, boolean stale, String notFound, Read read) {
        Map<String, Object> body = read.at(partition, stale).orElseThrow(() -> ApiException.notFound(notFound));
        Map<String, Object> out = new LinkedHashMap<>(body);
        out.put("stale", stale);
        return ApiResponse.json(200, out);
    }
}
