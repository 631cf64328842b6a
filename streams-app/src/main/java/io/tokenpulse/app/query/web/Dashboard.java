package io.tokenpulse.app.query.web;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.query.ApiException;
import io.tokenpulse.app.query.ApiRequest;
import io.tokenpulse.app.query.ApiResponse;
import io.tokenpulse.app.query.BearerAuth;
import io.tokenpulse.app.query.QueryRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The web dashboard of an instance: the page and its scripts at {@code /}, the charting library from its WebJar,
 * and the dashboard's routes under {@code /api/v1/dashboard}. The page and scripts hold no data and answer without
 * a token (a browser cannot send one when it opens a URL); everything with data is an API call carrying the bearer
 * token the user typed in, checked by the same {@link BearerAuth} as the rest of the API, and the page reads token
 * data through the API's own routes. Nothing is loaded from outside the instance (the CSP says so to the browser).
 */
public final class Dashboard implements AutoCloseable {
    public static final String API = QueryRoutes.PREFIX + "/dashboard";
    static final String STREAM = API + "/alerts/stream";
    /** Recent alerts kept per instance for the feed and token pages; an alert view is ~1 kB, so ~10 MB at most. */
    static final int ALERTS_KEPT = 10_000;
    private static final String STATIC = "/io/tokenpulse/app/query/web/static/";
    private static final String WEBJARS = "/META-INF/resources/webjars/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final AlertBuffer alerts = new AlertBuffer(ALERTS_KEPT);
    private final ReportHistory reports = new ReportHistory();
    private final Deployments deployments = new Deployments();
    private final DashboardResource resource;
    private final QueryRoutes routes;
    private final AlertStream stream;
    private final DashboardFeed feed;
    private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();
    /**
     * The stream's request as the route table passed it on (authenticated, caller attached), on this thread. Set and
     * cleared within one {@code handle} call, so instances can share it.
     */
    private static final ThreadLocal<ApiRequest> STREAM_REQUEST = new ThreadLocal<>();

    private Dashboard(AppConfig config, Topics topics, BearerAuth auth, QueryRoutes.RequestMetrics metrics) {
        // The caller's tenants, as the API's credentials grant them (query.auth.credentials).
        resource = new DashboardResource(alerts, reports, deployments, request -> request.caller()::mayRead);
        routes = new QueryRoutes(List.of(
                new QueryRoutes.Route("GET", API + "/alerts", false, resource::alerts),
                new QueryRoutes.Route("GET", STREAM, false, this::streamCheck),
                new QueryRoutes.Route("GET", API + "/reports", false, resource::reports),
                new QueryRoutes.Route("GET", API + "/tenants", false, resource::tenants),
                new QueryRoutes.Route("GET", API + "/services", false, resource::services)), auth, metrics);
        stream = new AlertStream(alerts);
        feed = new DashboardFeed(config.kafkaClientProperties(), config.applicationId() + "-dashboard", topics,
                alerts, reports, deployments);
    }

    /** A dashboard that answers at once and shows data once {@link #start} began reading the topics. */
    public static Dashboard create(AppConfig config, Topics topics, BearerAuth auth, QueryRoutes.RequestMetrics metrics) {
        return new Dashboard(config, topics, auth, metrics);
    }

    /** Starts reading the output topics (the app has created them by now). */
    public void start() {
        feed.start();
    }

    /** Replaces who sees which tenant (per-credential scoping); applies to requests and streams opened after. */
    public void scope(TenantScope scope) {
        resource.scope(scope);
    }

    /** Alerts read so far (tests wait on it). */
    public long alertsRead() {
        return alerts.lastSeq();
    }

    /** Answers the dashboard's paths and declines the rest, for the query server to try its own routes. */
    public Request.Handler handler() {
        return this::handle;
    }

    private boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path.startsWith(API + "/") || path.equals(API)) {
            Optional<ApiRequest> parsed = apiRequest(request);
            if (parsed.isEmpty()) {
                write(response, callback, ApiException.badRequest("the query string is not valid URL encoding").toResponse());
                return true;
            }
            ApiResponse checked;
            ApiRequest admitted;
            try {
                checked = routes.handle(parsed.get());
                admitted = STREAM_REQUEST.get();
            } finally {
                STREAM_REQUEST.remove();
            }
            if (path.equals(STREAM) && checked.status() == 200 && admitted != null) {
                // The stream filters with the request the route table admitted, so it sees who the caller is.
                stream.open(response, callback, resource.filter(admitted), DashboardResource.after(admitted));
            } else {
                write(response, callback, checked);
            }
            return true;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            return false;
        }
        String file;
        if (path.equals("/") || path.equals("/index.html")) {
            file = STATIC + "index.html";
        } else if (path.startsWith("/ui/")) {
            file = STATIC + path.substring(4);
        } else if (path.startsWith("/webjars/")) {
            file = WEBJARS + path.substring(9);
        } else {
            return false;
        }
        Optional<byte[]> body = path.contains("..") ? Optional.empty() : files.computeIfAbsent(file, Dashboard::read);
        String ext = file.substring(file.lastIndexOf('.') + 1);
        if (body.isEmpty() || !TYPES.containsKey(ext)) {
            write(response, callback, ApiException.notFound("no such file").toResponse());
            return true;
        }
        ApiResponse out = new ApiResponse(200, TYPES.get(ext), Map.of(), body.get());
        write(response, callback, out);
        return true;
    }

    private ApiResponse streamCheck(ApiRequest request) {
        ApiResponse ok = resource.streamCheck(request);
        STREAM_REQUEST.set(request);
        return ok;
    }

    private static Optional<byte[]> read(String resource) {
        try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static Optional<ApiRequest> apiRequest(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        try {
            for (Fields.Field f : Request.extractQueryParameters(request)) {
                query.put(f.getName(), f.getValues());
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(new ApiRequest(request.getMethod(), Request.getPathInContext(request), query, Map.of(),
                Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)), Optional.empty()));
    }

    private static void write(Response response, Callback callback, ApiResponse out) {
        response.setStatus(out.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, out.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        out.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.write(true, ByteBuffer.wrap(out.body()), callback);
    }

    /** Ends the live streams and stops the feed, without waiting: the HTTP server closes right after. */
    @Override
    public void close() {
        stream.close();
        feed.close();
    }
}
