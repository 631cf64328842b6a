package io.tokenpulse.app.query;

import io.tokenpulse.app.config.AppConfig;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the query API on plain Jetty 12 (core handlers, no servlet API): it binds before Kafka Streams
 * is built, because {@code application.server} must name the port it got (port 0 picks a free one), and answers
 * 503 until {@link #serve} hands it the routes. Blocking handlers on a bounded pool: a lookup may forward to a peer.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final HostInfo advertised;
    private volatile QueryRoutes routes;
    private volatile Request.Handler web;

    private QueryServer(AppConfig.Query config) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("tokenpulse-query");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
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
        try {
            QueryServer s = new QueryServer(config);
            log.info("Query API listening on http://{}:{}{} (advertised as {}, auth {})", config.bind(), s.port(),
                    QueryRoutes.PREFIX, s.advertised, config.authRequired() ? "bearer" : "off (loopback only)");
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
        ApiRequest api = new ApiRequest(request.getMethod(), Request.getPathInContext(request), query, Map.of(),
                Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)),
                Optional.ofNullable(request.getHeaders().get(Forwarder.HEADER)));
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
