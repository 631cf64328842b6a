package io.tokenpulse.app.query;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of the API and its dispatch: check the Host (auth off), match, authenticate (a bearer token, or a
 * peer's instance secret for a forwarded request), answer within the caller's tenants, audit, and turn every failure
 * into a JSON error. The table is data, so the OpenAPI test compares it with openapi.json both ways.
 */
public final class QueryRoutes {
    private static final Logger log = LoggerFactory.getLogger(QueryRoutes.class);
    public static final String PREFIX = "/api/v1";

    /** Who may call a route. */
    public enum Access {
        /** Without a bearer token: probes and the API description, no token data. */
        OPEN,
        /** Any credential; the answer holds the caller's tenants only. */
        TENANT,
        /** Credentials of every tenant only (operators, the Prometheus scraper): the answer is not per tenant. */
        ALL_TENANTS
    }

    public record Route(String method, String template, Access access, Function<ApiRequest, ApiResponse> handler) {
        /** {@code open}: {@link Access#OPEN}, else {@link Access#TENANT}. */
        public Route(String method, String template, boolean open, Function<ApiRequest, ApiResponse> handler) {
            this(method, template, open ? Access.OPEN : Access.TENANT, handler);
        }

        public boolean open() {
            return access == Access.OPEN;
        }
    }

    /** With auth off, the Host names this API answers to (ports aside): exactly these, no name that merely starts so. */
    static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<Route> routes;
    private final BearerAuth auth;
    private final PeerAuth peer;
    private final AuditLog audit;
    private final RequestMetrics metrics;

    public QueryRoutes(List<Route> routes, BearerAuth auth, RequestMetrics metrics) {
        this(routes, auth, PeerAuth.none(), AuditLog.toLogger(), metrics);
    }

    public QueryRoutes(List<Route> routes, BearerAuth auth, PeerAuth peer, AuditLog audit, RequestMetrics metrics) {
        this.routes = List.copyOf(routes);
        this.auth = auth;
        this.peer = peer;
        this.audit = audit;
        this.metrics = metrics;
    }

    /** Counts answers by route and status (a no-op in tests). */
    @FunctionalInterface
    public interface RequestMetrics {
        void record(String route, int status, long nanos);
    }

    public List<Route> routes() {
        return routes;
    }

    public ApiResponse handle(ApiRequest request) {
        long start = System.nanoTime();
        Route matched = null;
        ApiResponse response;
        Caller caller = null;
        try {
            if (!auth.required()) {
                checkHost(request);
            }
            boolean pathKnown = false;
            Map<String, String> params = null;
            for (Route r : routes) {
                Map<String, String> p = match(r.template(), request.path());
                if (p != null) {
                    pathKnown = true;
                    if (r.method().equals(request.method())) {
                        matched = r;
                        params = p;
                        break;
                    }
                }
            }
            if (matched == null) {
                throw pathKnown ? new ApiException(405, "method " + request.method() + " is not allowed here")
                        : ApiException.notFound("no such route; see " + PREFIX + "/openapi.json");
            }
            if (request.forwarded()) {
                caller = peer.verify(request, auth.required());
            } else if (!matched.open()) {
                caller = auth.check(request.authorization());
            } else {
                caller = Caller.ANONYMOUS;
            }
            if (matched.access() == Access.ALL_TENANTS && !caller.allTenants()) {
                throw new ApiException(403, "this route needs a credential of every tenant");
            }
            request = request.withPathParams(params).withCaller(caller);
            response = matched.handler().apply(request);
        } catch (ApiException e) {
            response = e.toResponse();
            if (e.status() == 503) {
                log.debug("503 for {}: {}", request.path(), e.getMessage());
            }
        } catch (InvalidStateStoreException e) {
            // A partition moved between the metadata lookup and the read (or is still restoring on its new owner).
            log.debug("503 for {}: {}", request.path(), e.getMessage());
            response = ApiException.unavailable("the state is moving between instances; retry shortly").toResponse();
        } catch (RuntimeException e) {
            // The detail goes to the log only: an exception message may quote state the caller should not see.
            log.error("Query {} {} failed", request.method(), request.path(), e);
            response = new ApiException(500, "internal error; see the instance's log").toResponse();
        }
        String route = matched == null ? "unmatched" : matched.template();
        metrics.record(route, response.status(), System.nanoTime() - start);
        audit(request, route, caller, response);
        return response;
    }

    /**
     * DNS rebinding: a web page's script reaches 127.0.0.1 under the attacker's host name, and the browser sends that
     * name as Host. Without auth, only loopback names are answered. A request without Host (HTTP/1.0) passes: no
     * browser sends one.
     */
    private static void checkHost(ApiRequest request) {
        Optional<String> host = request.header("host");
        if (host.isPresent() && !LOOPBACK_HOSTS.contains(hostName(host.get()))) {
            throw new ApiException(403, "without auth this API answers only to the Host names localhost, 127.0.0.1 and [::1]"
                    + " (a guard against DNS rebinding); configure query.auth.* to serve other names");
        }
    }

    /** The Host header without its port, lower case ({@code [::1]:8088} -> {@code [::1]}). */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon >= 0 && h.indexOf(']') < colon && h.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            h = h.substring(0, colon);
        }
        return h;
    }

    private void audit(ApiRequest request, String route, Caller caller, ApiResponse response) {
        try {
            String who = caller != null ? caller.name() : response.status() == 401 ? "unauthenticated" : "-";
            audit.record(new AuditLog.Entry(who, request.method(), route, tenantOf(request, caller, response),
                    AuditLog.outcome(response.status()), response.status(), request.forwarded(),
                    request.header(REMOTE).orElse("-")));
        } catch (RuntimeException e) {
            log.warn("Cannot write the audit line of {} {}", request.method(), route, e);
        }
    }

    /** The header under which the server passes the client's address (not an HTTP header: set by QueryServer). */
    static final String REMOTE = "x-tokenpulse-remote-address";

    /** The tenant a request asked about, if the caller may read it: never the name of another tenant. */
    private static String tenantOf(ApiRequest request, Caller caller, ApiResponse response) {
        String tenant = request.pathParam("tenant");
        if (tenant == null) {
            List<String> values = request.query().get("tenant");
            tenant = values == null || values.size() != 1 ? null : values.get(0);
        }
        if (tenant == null && response.status() == 200 && request.pathParam("tokenId") != null) {
            tenant = Json.parse(response.body()).path("tenant").asText(null);
        }
        if (tenant == null) {
            return request.pathParams().isEmpty() && caller != null && !caller.allTenants() ? "*" : "-";
        }
        return caller != null && caller.mayRead(tenant) ? tenant : "(out of scope)";
    }

    /** The path parameters when {@code path} fits {@code template} ({@code {name}} matches one non-empty segment). */
    static Map<String, String> match(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("{") && t[i].endsWith("}")) {
                if (p[i].isEmpty()) {
                    return null;
                }
                params.put(t[i].substring(1, t[i].length() - 1), p[i]);
            } else if (!t[i].equals(p[i])) {
                return null;
            }
        }
        return params;
    }
}
