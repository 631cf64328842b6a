package io.tokenpulse.app.query;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A status, headers and a body already in bytes (JSON unless said otherwise). */
public record ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
    public static final String JSON = "application/json";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, JSON, Map.of(), Json.bytes(body));
    }

    public static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, h, body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
