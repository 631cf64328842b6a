package io.tokenpulse.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** GETs on the query API with retries on 503 (the instance is rebalancing: Retry-After says when to ask again). */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 5;

    private final HttpClient http;
    private final String base;
    private final Optional<String> token;

    ApiClient(String base, Optional<String> token) {
        this(base, token, Optional.empty());
    }

    /** @param tls the CAs an https API is checked against; empty: the JVM's */
    ApiClient(String base, Optional<String> token, Optional<javax.net.ssl.SSLContext> tls) {
        this.base = base;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        tls.ifPresent(b::sslContext);
        this.http = b.build();
        if (token.isPresent() && base.regionMatches(true, 0, "http://", 0, 7) && !loopback(base)) {
            System.err.println("tokenpulse: warning: the bearer token goes to " + base + " over plain HTTP; use https://");
        }
    }

    private static boolean loopback(String url) {
        String host = URI.create(url).getHost();
        return host != null && (host.equals("localhost") || host.equals("[::1]") || host.matches("127\\.\\d+\\.\\d+\\.\\d+"));
    }

    /** The answer's body; an error status becomes an {@link ApiError} with the API's reason. */
    String get(String path) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException e) {
                throw new IOException("no TokenPulse query API at " + base + " (is 'tokenpulse run' up? see --api)", e);
            }
            if (r.statusCode() == 503 && attempt < ATTEMPTS) {
                long wait = r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(2L);
                Thread.sleep(Math.min(10, Math.max(1, wait)) * 1000);
                continue;
            }
            if (r.statusCode() != 200) {
                throw new ApiError(r.statusCode(), reason(r.body()));
            }
            return r.body();
        }
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        return JSON.readTree(get(path));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String reason(String body) {
        try {
            return JSON.readTree(body).path("error").asText(body);
        } catch (IOException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }

    /** An answer other than 200, with the API's reason. */
    static final class ApiError extends IOException {
        private static final long serialVersionUID = 1L;

        final int status;

        ApiError(int status, String reason) {
            super("HTTP " + status + ": " + reason);
            this.status = status;
        }
    }
}
