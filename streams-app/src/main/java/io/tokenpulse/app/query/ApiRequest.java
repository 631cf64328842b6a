package io.tokenpulse.app.query;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the resources see it, free of the server library, so unit tests drive the routes without a
 * socket. {@code query} keeps every value of a repeated parameter: a repeated one is refused, not silently cut.
 * {@code headers} holds the other headers security looks at (Host, the peer ones), by lower-case name; {@code caller}
 * is who {@link QueryRoutes} found the request to come from ({@link Caller#ANONYMOUS} until then).
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> pathParams,
                         Optional<String> authorization, Optional<String> forwardMode, Map<String, String> headers,
                         Caller caller) {

    public ApiRequest {
        query = Map.copyOf(query);
        pathParams = Map.copyOf(pathParams);
        headers = Map.copyOf(headers);
    }

    public ApiRequest(String method, String path, Map<String, List<String>> query, Map<String, String> pathParams,
                      Optional<String> authorization, Optional<String> forwardMode) {
        this(method, path, query, pathParams, authorization, forwardMode, Map.of(), Caller.ANONYMOUS);
    }

    public static ApiRequest get(String path, Map<String, List<String>> query) {
        return new ApiRequest("GET", path, query, Map.of(), Optional.empty(), Optional.empty());
    }

    public ApiRequest withPathParams(Map<String, String> params) {
        return new ApiRequest(method, path, query, params, authorization, forwardMode, headers, caller);
    }

    public ApiRequest withAuthorization(String header) {
        return new ApiRequest(method, path, query, pathParams, Optional.ofNullable(header), forwardMode, headers, caller);
    }

    public ApiRequest withForwardMode(String mode) {
        return new ApiRequest(method, path, query, pathParams, authorization, Optional.ofNullable(mode), headers, caller);
    }

    public ApiRequest withHeader(String name, String value) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put(name.toLowerCase(Locale.ROOT), value);
        return new ApiRequest(method, path, query, pathParams, authorization, forwardMode, h, caller);
    }

    public ApiRequest withCaller(Caller who) {
        return new ApiRequest(method, path, query, pathParams, authorization, forwardMode, headers, who);
    }

    /** A header of {@link #headers} by any spelling of its name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
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
