package io.tokenpulse.app.query;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;

/** Assembles the routes of {@code /api/v1} from their parts; the one list that openapi.json must match. */
public final class QueryApi {
    /** Long enough for a fan-out scan of a big store on a peer, short enough that a dead peer is noticed. */
    public static final Duration PEER_TIMEOUT = Duration.ofSeconds(10);

    private QueryApi() {
    }

    public static QueryRoutes routes(Cluster cluster, LocalStores stores, Forwarder forwarder, Serializer<String> tokenKeys,
                                     BearerAuth auth, Readiness readiness, Supplier<String> scrape,
                                     QueryRoutes.RequestMetrics metrics) {
        return routes(cluster, stores, forwarder, tokenKeys, auth, PeerAuth.none(), AuditLog.toLogger(), readiness, scrape, metrics);
    }

    /**
     * The API's routes.
     *
     * @param peer how a forwarded request proves it comes from a peer (the forwarder signs with the same)
     */
    public static QueryRoutes routes(Cluster cluster, LocalStores stores, Forwarder forwarder, Serializer<String> tokenKeys,
                                     BearerAuth auth, PeerAuth peer, AuditLog audit, Readiness readiness,
                                     Supplier<String> scrape, QueryRoutes.RequestMetrics metrics) {
        KeyLookup lookup = new KeyLookup(cluster, forwarder);
        FanOut fanOut = new FanOut(cluster, forwarder);
        TokenResource token = new TokenResource(cluster, lookup, stores, tokenKeys);
        TokenListResource tokens = new TokenListResource(stores, fanOut);
        PostureResource posture = new PostureResource(cluster, lookup, stores);
        VersionResource versions = new VersionResource(stores, fanOut);
        IncidentResource incidents = new IncidentResource(stores, fanOut);
        OpsResource ops = new OpsResource(readiness, scrape);
        String p = QueryRoutes.PREFIX;
        return new QueryRoutes(List.of(
                new QueryRoutes.Route("GET", p + "/tokens/{tokenId}", false, token::get),
                new QueryRoutes.Route("GET", p + "/tokens", false, tokens::list),
                new QueryRoutes.Route("GET", p + "/tenants/{tenant}/posture", false, posture::get),
                new QueryRoutes.Route("GET", p + "/services/{service}/versions", false, versions::get),
                new QueryRoutes.Route("GET", p + "/incidents", false, incidents::list),
                new QueryRoutes.Route("GET", p + "/health", true, ops::health),
                new QueryRoutes.Route("GET", p + "/ready", true, ops::ready),
                // Request counts of every tenant together: for operators and the scraper, not for one tenant's analyst.
                new QueryRoutes.Route("GET", p + "/metrics", QueryRoutes.Access.ALL_TENANTS, ops::metrics),
                new QueryRoutes.Route("GET", p + "/openapi.json", true, ops::openApi)), auth, peer, audit, metrics);
    }
}
