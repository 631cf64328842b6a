package io.tokenpulse.app.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than 200 with a reason a person can act on. The reason never holds a secret: callers build it
 * from parameter names and store state, never from the Authorization header.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Seconds a client should wait after a 503: about one rebalance step. */
    public static final int RETRY_AFTER_SECONDS = 2;

    private final int status;

    public ApiException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public ApiException(int status, String reason, Throwable cause) {
        super(reason, cause);
        this.status = status;
    }

    public static ApiException badRequest(String reason) {
        return new ApiException(400, reason);
    }

    public static ApiException notFound(String reason) {
        return new ApiException(404, reason);
    }

    /** The state is moving (rebalance, restore, an instance away): ask again shortly rather than get a wrong answer. */
    public static ApiException unavailable(String reason) {
        return new ApiException(503, reason);
    }

    public static ApiException unavailable(String reason, Throwable cause) {
        return new ApiException(503, reason, cause);
    }

    public int status() {
        return status;
    }

    public ApiResponse toResponse() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", getMessage());
        ApiResponse r = ApiResponse.json(status, body);
        if (status == 503) {
            r = r.withHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        if (status == 401) {
            r = r.withHeader("WWW-Authenticate", "Bearer realm=\"tokenpulse\"");
        }
        return r;
    }
}
