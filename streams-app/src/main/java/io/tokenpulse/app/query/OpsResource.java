package io.tokenpulse.app.query;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Health, readiness, Prometheus metrics and the API description. */
public final class OpsResource {
    public static final String OPENAPI_RESOURCE = "/io/tokenpulse/app/query/openapi.json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Readiness readiness;
    private final Supplier<String> scrape;
    private final byte[] openApi;

    public OpsResource(Readiness readiness, Supplier<String> scrape) {
        this.readiness = readiness;
        this.scrape = scrape;
        this.openApi = openApiBytes();
    }

    /** Alive as long as the process answers; the streams state is there for people, not for the probe. */
    public ApiResponse health(ApiRequest r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("streams", readiness.state().name());
        return ApiResponse.json(200, body);
    }

    public ApiResponse ready(ApiRequest r) {
        if (!readiness.ready()) {
            throw ApiException.unavailable("not ready: streams state is " + readiness.state());
        }
        return ApiResponse.json(200, Map.of("ready", true));
    }

    public ApiResponse metrics(ApiRequest r) {
        return ApiResponse.text(200, PROMETHEUS_TEXT, scrape.get());
    }

    public ApiResponse openApi(ApiRequest r) {
        return new ApiResponse(200, ApiResponse.JSON, Map.of(), openApi);
    }

    public static byte[] openApiBytes() {
        try (InputStream in = OpsResource.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
