package io.tokenpulse.app.query;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A status, headers and a body already in bytes (JSON unless said otherwise). A class rather than a record: a record
 * would compare and print its byte[] body by identity; a response is written out, never compared.
 */
public final class ApiResponse {
    public static final String JSON = "application/json";

    private final int status;
    private final String contentType;
    private final Map<String, String> headers;
    private final byte[] body;

    public ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.headers = Map.copyOf(headers);
        this.body = body;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body as it goes on the wire: not copied, so not to be changed. */
    public byte[] body() {
        return body;
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

    @Override
    public String toString() {
        return "ApiResponse[status=" + status + ", contentType=" + contentType + ", headers=" + headers + ", body="
                + body.length + " bytes]";
    }
}
