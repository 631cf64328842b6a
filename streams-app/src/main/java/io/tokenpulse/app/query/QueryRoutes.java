package io.tokenpulse.app.query;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route table of the API and its dispatch: match, authenticate, answer, and turn every failure into a JSON error.
 * The table is data, so the OpenAPI test compares it with openapi.json both ways.
 */
public final class QueryRoutes {
    private static final Logger log = LoggerFactory.getLogger(QueryRoutes.class);
    public static final String PREFIX = "/api/v1";

    /** {@code open} routes answer without a bearer token: probes and the API description, no token data. */
    public record Route(String method, String template, boolean open, Function<ApiRequest, ApiResponse> handler) {
    }

    private final List<Route> routes;
    private final BearerAuth auth;
    private final RequestMetrics metrics;

    public QueryRoutes(List<Route> routes, BearerAuth auth, RequestMetrics metrics) {
        this.routes = List.copyOf(routes);
        this.auth = auth;
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
        try {
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
            if (!matched.open()) {
                auth.check(request.authorization());
            }
            response = matched.handler().apply(request.withPathParams(params));
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
        metrics.record(matched == null ? "unmatched" : matched.template(), response.status(), System.nanoTime() - start);
        return response;
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
