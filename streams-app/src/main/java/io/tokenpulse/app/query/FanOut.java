package io.tokenpulse.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A question about every key of a store: each instance answers from its active partitions only ({@code local=true}),
 * in parallel, and the caller merges. Partitions are disjoint between active hosts, so each key is counted once. Any
 * instance that does not answer 200 makes the whole answer a 503: a partial list would look complete and be wrong.
 */
public final class FanOut {
    private static final Logger log = LoggerFactory.getLogger(FanOut.class);

    private final Cluster cluster;
    private final Forwarder forwarder;

    public FanOut(Cluster cluster, Forwarder forwarder) {
        this.cluster = cluster;
        this.forwarder = forwarder;
    }

    public List<JsonNode> ask(ApiRequest request, String store, Supplier<Map<String, Object>> local) {
        cluster.requireRunning();
        HostInfo self = cluster.self();
        Map<String, List<String>> query = new LinkedHashMap<>(request.query());
        query.put("local", List.of("true"));
        List<CompletableFuture<ApiResponse>> remote = new ArrayList<>();
        List<HostInfo> peers = new ArrayList<>();
        for (HostInfo host : cluster.instances(store)) {
            if (!host.equals(self)) {
                peers.add(host);
                remote.add(forwarder.getAsync(host, request.path(), query, request.authorization(), Forwarder.ACTIVE));
            }
        }
        List<JsonNode> answers = new ArrayList<>();
        answers.add(Json.MAPPER.valueToTree(local.get()));
        for (int i = 0; i < remote.size(); i++) {
            ApiResponse r;
            try {
                r = remote.get(i).join();
            } catch (CompletionException e) {
                log.warn("Instance {} did not answer a fan-out of {} ({})", peers.get(i), request.path(), e.getCause().toString());
                throw ApiException.unavailable("instance " + peers.get(i) + " does not answer; retry shortly", e.getCause());
            }
            if (r.status() != 200) {
                log.info("Instance {} answered {} to a fan-out of {}", peers.get(i), r.status(), request.path());
                throw ApiException.unavailable("instance " + peers.get(i) + " answered " + r.status() + "; retry shortly");
            }
            answers.add(Json.parse(r.body()));
        }
        // The membership may have changed while we asked: an answer from a moving group is not trusted.
        cluster.requireRunning();
        return answers;
    }
}
