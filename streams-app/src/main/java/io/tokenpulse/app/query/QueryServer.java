package io.tokenpulse.app.query;

import io.tokenpulse.app.config.AppConfig;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.KeyStoreScanner;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the query API on plain Jetty 12 (core handlers, no servlet API): it binds before Kafka Streams
 * is built, because {@code application.server} must name the port it got (port 0 picks a free one), and answers
 * 503 until {@link #serve} hands it the routes. Blocking handlers on a bounded pool: a lookup may forward to a peer.
 * With {@code query.tls.keystore} it speaks HTTPS only, and a {@link KeyStoreScanner} swaps in a renewed key store
 * without a restart.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final HostInfo advertised;
    private final ApiSecurity security;
    private final KeyStoreScanner keyStoreScanner;
    private volatile QueryRoutes routes;
    private volatile Request.Handler web;

    private QueryServer(AppConfig.Query config, ApiSecurity security) throws Exception {
        this.security = security;
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("tokenpulse-query");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (security.tls().isPresent()) {
            SslContextFactory.Server ssl = security.tls().get().server();
            // No SNI host check: peers reach each other by IP address too, which TLS clients do not send as SNI.
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(http));
            keyStoreScanner = new KeyStoreScanner(ssl);
            keyStoreScanner.setScanInterval((int) Math.max(1, security.tls().get().reload().toSeconds()));
            server.addBean(keyStoreScanner);
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
            keyStoreScanner = null;
        }
        connector.setHost(config.bind());
        connector.setPort(config.port());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Request.Handler w = web;
                if (w != null && w.handle(request, response, callback)) {
                    return true;
                }
                write(response, callback, answer(request));
                return true;
            }
        });
        server.setStopTimeout(2_000);
        server.start();
        advertised = advertised(config, connector.getLocalPort());
    }

    /** Binds and starts answering (503 until {@link #serve}). */
    public static QueryServer bind(AppConfig.Query config) {
        ApiSecurity security;
        try {
            security = ApiSecurity.from(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the query API's security settings are wrong: " + e.getMessage(), e);
        }
        return bind(config, security);
    }

    public static QueryServer bind(AppConfig.Query config, ApiSecurity security) {
        try {
            QueryServer s = new QueryServer(config, security);
            log.info("Query API listening on {}://{}:{}{} (advertised as {}, auth {}, peers {})", security.scheme(),
                    config.bind(), s.port(), QueryRoutes.PREFIX, s.advertised,
                    security.auth().required() ? security.auth().credentials().size() + " bearer credential(s)" : "off (loopback only)",
                    security.peer().configured() ? "authenticated by the instance secret" : "not accepted (no instance secret)");
            if (security.auth().required() && !security.peer().configured()) {
                log.warn("The query API has bearer auth but no {}: this instance neither forwards to nor answers other"
                        + " instances (their lists fail with 503); set the same secret on every instance",
                        AppConfig.QUERY_PEER_SECRET_FILE);
            }
            if (security.tls().isEmpty() && !AppConfig.Query.isLoopback(config.bind())) {
                log.warn("The query API serves plain HTTP on {}: bearer tokens and the instance secret cross the network"
                        + " in clear; set {}", config.bind(), ApiSecurity.KEYSTORE);
            }
            return s;
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve the query API on " + config.bind() + ":" + config.port()
                    + " (" + e.getMessage() + "); set " + AppConfig.QUERY_PORT + " (0 picks a free port) or "
                    + AppConfig.QUERY_ENABLED + "=false", e);
        }
    }

    static HostInfo advertised(AppConfig.Query config, int port) {
        String a = config.advertised();
        if (a.isEmpty()) {
            if (config.bind().equals("0.0.0.0") || config.bind().equals("::") || config.bind().equals("[::]")) {
                throw new IllegalStateException("query.bind=" + config.bind() + " needs " + AppConfig.QUERY_ADVERTISED
                        + "=HOST[:PORT]: peers cannot reach a wildcard address");
            }
            return new HostInfo(config.bind(), port);
        }
        int colon = a.lastIndexOf(':');
        if (colon > 0 && a.substring(colon + 1).chars().allMatch(Character::isDigit) && colon < a.length() - 1) {
            return new HostInfo(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
        }
        return new HostInfo(a, port);
    }

    public void serve(QueryRoutes routes) {
        this.routes = routes;
    }

    /** Paths this handler takes (the dashboard) are answered before the API's routes. */
    public void web(Request.Handler handler) {
        this.web = handler;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public ApiSecurity security() {
        return security;
    }

    /** Where clients reach this instance, e.g. {@code https://10.0.0.5:8088}. */
    public String url() {
        return security.scheme() + "://" + advertised.host() + ":" + port();
    }

    /** Checks the key store file now (tests; in service the scanner checks every {@code query.tls.reload.interval}). */
    public void rescanKeyStore() {
        if (keyStoreScanner != null) {
            // Jetty's scanner reports a file once it saw it changed and then stable: two scans.
            keyStoreScanner.scan(10_000);
            keyStoreScanner.scan(10_000);
        }
    }

    public HostInfo advertised() {
        return advertised;
    }

    private ApiResponse answer(Request request) {
        QueryRoutes r = routes;
        if (r == null) {
            return ApiException.unavailable("starting; retry shortly").toResponse();
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        try {
            Fields fields = Request.extractQueryParameters(request);
            for (Fields.Field f : fields) {
                query.put(f.getName(), f.getValues());
            }
        } catch (RuntimeException e) {
            return ApiException.badRequest("the query string is not valid URL encoding").toResponse();
        }
        Map<String, String> headers = new HashMap<>();
        for (String name : List.of(HttpHeader.HOST.asString(), PeerAuth.SECRET_HEADER, PeerAuth.SCOPE_HEADER, PeerAuth.CALLER_HEADER)) {
            String v = request.getHeaders().get(name);
            if (v != null) {
                headers.put(name.toLowerCase(Locale.ROOT), v);
            }
        }
        headers.put(QueryRoutes.REMOTE, Request.getRemoteAddr(request));
        ApiRequest api = new ApiRequest(request.getMethod(), Request.getPathInContext(request), query, Map.of(),
                Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                Optional.ofNullable(request.getHeaders().get(Forwarder.HEADER)), headers, Caller.ANONYMOUS);
        return r.handle(api);
    }

    private static void write(Response response, Callback callback, ApiResponse out) {
        response.setStatus(out.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, out.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        out.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.write(true, ByteBuffer.wrap(out.body()), callback);
    }

    /** Stops accepting and lets answers in flight finish (up to 2 s). */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("The query API did not stop cleanly", e);
        }
    }
}
