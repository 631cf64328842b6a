package io.tokenpulse.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
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

    /** This instance's share: {@code scan} over exactly the partitions it is active for, which the answer names. */
    public Map<String, Object> local(String store, Function<Set<Integer>, Map<String, Object>> scan) {
        cluster.requireRunning();
        Set<Integer> partitions = new TreeSet<>(cluster.activePartitions(store, cluster.self()));
        Map<String, Object> body = new LinkedHashMap<>(scan.apply(partitions));
        body.put("partitions", partitions);
        return body;
    }

    public List<JsonNode> ask(ApiRequest request, String store, Function<Set<Integer>, Map<String, Object>> scan) {
        cluster.requireRunning();
        HostInfo self = cluster.self();
        Map<String, List<String>> query = new LinkedHashMap<>(request.query());
        query.put("local", List.of("true"));
        List<CompletableFuture<ApiResponse>> remote = new ArrayList<>();
        List<HostInfo> peers = new ArrayList<>();
        for (HostInfo host : cluster.instances(store)) {
            if (!host.equals(self)) {
                peers.add(host);
                remote.add(forwarder.getAsync(host, request.path(), query, request.caller(), Forwarder.ACTIVE));
            }
        }
        List<JsonNode> answers = new ArrayList<>();
        answers.add(Json.MAPPER.valueToTree(local(store, scan)));
        covers(answers.get(0), self, store);
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
            JsonNode answer = Json.parse(r.body());
            covers(answer, peers.get(i), store);
            answers.add(answer);
        }
        // The membership may have changed while we asked: an answer from a moving group is not trusted.
        cluster.requireRunning();
        return answers;
    }

    /** The instance scanned the partitions our metadata says it is active for: no more (twice), no fewer (holes). */
    private void covers(JsonNode answer, HostInfo host, String store) {
        Set<Integer> scanned = new TreeSet<>();
        answer.path("partitions").forEach(p -> scanned.add(p.asInt()));
        Set<Integer> expected = cluster.activePartitions(store, host);
        if (!scanned.equals(expected)) {
            log.info("Instance {} scanned partitions {} of {} but is active for {}: assignment moving", host, scanned, store, expected);
            throw ApiException.unavailable("the assignment of " + store + " is moving between instances; retry shortly");
        }
    }
}
