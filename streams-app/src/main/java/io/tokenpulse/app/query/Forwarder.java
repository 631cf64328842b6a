package io.tokenpulse.app.query;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance, through ONE shared {@link HttpClient} (its connection pool is the point: a client per call
 * would open a connection per forwarded lookup). The caller's bearer token stays here: the peer gets this instance's
 * own credential and the caller's tenant scope ({@link PeerAuth}), over TLS when the API serves TLS (the peer's
 * certificate checked against {@code query.tls.truststore}). The {@link #HEADER} says the request was already routed,
 * so it is never forwarded again (no loops while metadata is moving).
 */
public final class Forwarder {
    public static final String HEADER = "X-TokenPulse-Forwarded";
    /** Answer from the active copy only. */
    public static final String ACTIVE = "active";
    /** The active host is unreachable: a standby's copy is welcome, marked stale. */
    public static final String STALE = "stale";

    private final HttpClient client;
    private final Duration timeout;
    private final String scheme;
    private final PeerAuth peer;

    /** Plain HTTP without an instance secret: a loopback cluster without auth (and unit tests). */
    public Forwarder(Duration timeout) {
        this(timeout, null, PeerAuth.none());
    }

    /** @param tls the client side of the API's TLS (trusting the peers' certificates); null for plain HTTP */
    public Forwarder(Duration timeout, SSLContext tls, PeerAuth peer) {
        this.timeout = timeout;
        this.scheme = tls == null ? "http" : "https";
        this.peer = peer;
        // HTTP/1.1: the server speaks it only, and a keep-alive pool is all a lookup needs.
        // Completion stages run on the client's own selector thread instead of hopping to a pool: the callers wait
        // in join() on Jetty's threads anyway, and the hop cost more than the lookup it forwards.
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .executor(Runnable::run);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.client = b.build();
    }

    /** Thrown when the peer cannot be reached or does not answer in time (as opposed to answering an error). */
    public static final class PeerUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public PeerUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public ApiResponse get(HostInfo host, String path, Map<String, List<String>> query, Caller caller,
                           String mode) throws PeerUnavailable {
        try {
            return getAsync(host, path, query, caller, mode).join();
        } catch (CompletionException e) {
            throw new PeerUnavailable("instance " + host + " did not answer: " + e.getCause().getMessage(), e.getCause());
        }
    }

    public CompletableFuture<ApiResponse> getAsync(HostInfo host, String path, Map<String, List<String>> query,
                                                   Caller caller, String mode) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(scheme, host, path, query)).timeout(timeout).GET()
                .header(HEADER, mode).header("Accept", ApiResponse.JSON);
        peer.sign(b, caller);
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            ApiResponse out = new ApiResponse(r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(ApiResponse.JSON), Map.of(), r.body());
            Optional<String> retry = r.headers().firstValue("Retry-After");
            return retry.isPresent() ? out.withHeader("Retry-After", retry.get()) : out;
        });
    }

    static URI uri(String scheme, HostInfo host, String path, Map<String, List<String>> query) {
        String q = query.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        String segments = java.util.Arrays.stream(path.split("/", -1)).map(Forwarder::encSegment).collect(Collectors.joining("/"));
        return URI.create(scheme + "://" + host.host() + ":" + host.port() + segments + (q.isEmpty() ? "" : "?" + q));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String encSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static boolean isConnectionProblem(Throwable t) {
        return t instanceof IOException || t instanceof java.net.http.HttpTimeoutException;
    }
}
