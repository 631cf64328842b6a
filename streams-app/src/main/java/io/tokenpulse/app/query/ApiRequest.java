package io.tokenpulse.app.query;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the resources see it, free of the server library, so unit tests drive the routes without a
 * socket. {@code query} keeps every value of a repeated parameter: a repeated one is refused, not silently cut.
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> pathParams,
                         Optional<String> authorization, Optional<String> forwardMode) {

    public ApiRequest {
        query = Map.copyOf(query);
        pathParams = Map.copyOf(pathParams);
    }

    public static ApiRequest get(String path, Map<String, List<String>> query) {
        return new ApiRequest("GET", path, query, Map.of(), Optional.empty(), Optional.empty());
    }

    public ApiRequest withPathParams(Map<String, String> params) {
        return new ApiRequest(method, path, query, params, authorization, forwardMode);
    }

    public ApiRequest withAuthorization(String header) {
        return new ApiRequest(method, path, query, pathParams, Optional.ofNullable(header), forwardMode);
    }

    public ApiRequest withForwardMode(String mode) {
        return new ApiRequest(method, path, query, pathParams, authorization, Optional.ofNullable(mode));
    }

    /** Whether a peer routed this request here already (it is then never forwarded again). */
    public boolean forwarded() {
        return forwardMode.isPresent();
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The single value of a query parameter; 400 when it is given twice. */
    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw ApiException.badRequest("parameter '" + name + "' is given " + values.size() + " times; give it once");
        }
        return Optional.of(values.get(0));
    }

    /** Whether the caller asked for this instance's own stores only (the fan-out of a list query). */
    public boolean localOnly() {
        return param("local").map(v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw ApiException.badRequest("parameter 'local' must be true or false");
            }
            return v.equals("true");
        }).orElse(false);
    }
}
