package io.tokenpulse.app.query.web;

import io.tokenpulse.app.detect.AlertFactory;
import io.tokenpulse.app.query.ApiException;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.app.query.ApiRequest;
import io.tokenpulse.app.query.ApiResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The dashboard's own routes under {@code /api/v1/dashboard}: what the token stores do not hold (recent alerts,
 * the report history, the tenants and services seen). Every answer is filtered through {@link TenantScope}.
 */
public final class DashboardResource {
    static final int DEFAULT_ALERTS = 100;
    static final int MAX_ALERTS = 1000;
    private static final int MAX_TEXT = 256;
    private static final Set<String> SEVERITIES = Set.of("LOW", "MEDIUM", "HIGH", "CRITICAL");
    private static final Set<String> GRANULARITIES = Set.of("HOURLY", "DAILY");

    private final AlertBuffer alerts;
    private final ReportHistory reports;
    private final Deployments deployments;
    private volatile TenantScope scope;

    public DashboardResource(AlertBuffer alerts, ReportHistory reports, Deployments deployments, TenantScope scope) {
        this.alerts = alerts;
        this.reports = reports;
        this.deployments = deployments;
        this.scope = scope;
    }

    void scope(TenantScope scope) {
        this.scope = scope;
    }

    /** The caller's tenants: the one place every dashboard answer asks. */
    Predicate<String> visible(ApiRequest request) {
        return scope.tenants(request);
    }

    /** {@code GET /dashboard/alerts?tenant=&owner=&type=&severity=&tokenId=&limit=}: newest first. */
    public ApiResponse alerts(ApiRequest request) {
        Predicate<AlertBuffer.Entry> filter = filter(request);
        int limit = limit(request);
        List<Map<String, Object>> out = alerts.latest(filter, limit).stream().map(AlertBuffer.Entry::view).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lastSeq", alerts.lastSeq());
        body.put("alerts", out);
        return ApiResponse.json(200, body);
    }

    /** The filter of an alert list or stream: the caller's tenants and the query's parameters. */
    Predicate<AlertBuffer.Entry> filter(ApiRequest request) {
        Predicate<String> tenants = visible(request);
        Optional<String> tenant = text(request, "tenant");
        Optional<String> owner = text(request, "owner");
        Optional<String> type = text(request, "type");
        Optional<String> tokenId = text(request, "tokenId");
        Optional<String> severity = text(request, "severity");
        if (severity.isPresent() && !SEVERITIES.contains(severity.get())) {
            throw ApiException.badRequest("severity must be one of LOW, MEDIUM, HIGH, CRITICAL");
        }
        return e -> tenants.test(e.tenant())
                && tenant.map(t -> t.equals(e.tenant())).orElse(true)
                && owner.map(o -> o.equals(e.view().get("owner"))).orElse(true)
                && type.map(t -> t.equals(e.view().get("type"))).orElse(true)
                && severity.map(s -> s.equals(e.view().get("severity"))).orElse(true)
                && tokenId.map(t -> t.equals(e.view().get("tokenId"))).orElse(true);
    }

    /** {@code GET /dashboard/reports?tenant=&owner=&granularity=&from=}: one series, oldest first. */
    public ApiResponse reports(ApiRequest request) {
        String tenant = text(request, "tenant").orElseThrow(() -> ApiException.badRequest("parameter 'tenant' is required"));
        if (!visible(request).test(tenant)) {
            throw ApiException.notFound("no reports for tenant " + tenant);
        }
        String granularity = text(request, "granularity").orElse("HOURLY");
        if (!GRANULARITIES.contains(granularity)) {
            throw ApiException.badRequest("granularity must be HOURLY or DAILY");
        }
        long from;
        try {
            from = text(request, "from").map(f -> Instant.parse(f).toEpochMilli()).orElse(Long.MIN_VALUE);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("from must be an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
        Optional<String> owner = text(request, "owner");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant);
        body.put("owner", owner.orElse(null));
        body.put("granularity", granularity);
        body.put("reports", reports.reports(tenant, owner, granularity, from));
        return ApiResponse.json(200, body);
    }

    /**
     * {@code GET /dashboard/tenants}: the tenants the caller may see (from reports, alerts and deployments), their
     * owners, and the alert types with their severity and action.
     */
    public ApiResponse tenants(ApiRequest request) {
        Predicate<String> tenants = visible(request);
        Map<String, SortedSet<String>> owners = reports.owners(tenants);
        for (AlertBuffer.Entry e : alerts.latest(x -> tenants.test(x.tenant()), MAX_ALERTS * 10)) {
            owners.computeIfAbsent(e.tenant(), t -> new TreeSet<>());
        }
        deployments.services(tenants).keySet().forEach(t -> owners.computeIfAbsent(t, x -> new TreeSet<>()));
        List<Map<String, Object>> out = owners.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tenant", e.getKey());
            m.put("owners", List.copyOf(e.getValue()));
            return m;
        }).toList();
        List<Map<String, Object>> types = new java.util.ArrayList<>();
        for (AlertType t : AlertType.values()) {
            types.add(Map.of("type", t.name(), "severity", AlertFactory.severityFor(t).name(), "action", AlertFactory.actionFor(t).name()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenants", out);
        // The pipeline's fixed severity and action per alert type: the overview ranks open conditions by them.
        body.put("alertTypes", types);
        return ApiResponse.json(200, body);
    }

    /** {@code GET /dashboard/services?tenant=}: the services deployed per tenant and their versions. */
    public ApiResponse services(ApiRequest request) {
        Predicate<String> tenants = visible(request);
        Optional<String> tenant = text(request, "tenant");
        return ApiResponse.json(200, Map.of("tenants",
                deployments.services(t -> tenants.test(t) && tenant.map(t::equals).orElse(true))));
    }

    /** {@code GET /dashboard/alerts/stream}: the checks only; the stream itself is {@link AlertStream}'s. */
    public ApiResponse streamCheck(ApiRequest request) {
        filter(request);
        after(request);
        return ApiResponse.json(200, Map.of());
    }

    static long after(ApiRequest request) {
        try {
            return request.param("after").map(Long::parseLong).orElse(-1L);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("after must be a sequence number from an earlier answer");
        }
    }

    private static int limit(ApiRequest request) {
        try {
            int n = request.param("limit").map(Integer::parseInt).orElse(DEFAULT_ALERTS);
            if (n < 1 || n > MAX_ALERTS) {
                throw ApiException.badRequest("parameter 'limit' must be 1 to " + MAX_ALERTS);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("parameter 'limit' must be a number");
        }
    }

    private static Optional<String> text(ApiRequest request, String name) {
        Optional<String> v = request.param(name).filter(s -> !s.isEmpty());
        if (v.isPresent() && v.get().length() > MAX_TEXT) {
            throw ApiException.badRequest("parameter '" + name + "' is longer than " + MAX_TEXT + " characters");
        }
        return v;
    }
}
