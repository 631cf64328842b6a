package io.tokenpulse.app.query.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.app.query.ApiException;
import io.tokenpulse.app.query.ApiRequest;
import io.tokenpulse.app.query.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard's own answers: filters, the tenant scope on every one of them, and the page's files. */
class DashboardResourceTest {
    private final AlertBuffer alerts = new AlertBuffer(3);
    private final ReportHistory reports = new ReportHistory();
    private final Deployments deployments = new Deployments();
    private final DashboardResource resource = new DashboardResource(alerts, reports, deployments, TenantScope.ALL);

    @Test
    void alertsAreNewestFirstFilteredAndTheBufferKeepsTheNewest() {
        alert("a1", "acme", "team-a", "UNUSED_TOKEN", "LOW", "tok-1");
        alert("a2", "acme", "team-b", "REVOKED_TOKEN_USED", "HIGH", "tok-2");
        alert("a3", "globex", "team-a", "REVOKED_TOKEN_USED", "HIGH", "tok-3");
        alert("a4", "acme", "team-a", "NEW_SOURCE", "MEDIUM", "tok-1");

        assertEquals(List.of("a4", "a3", "a2"), ids(get("/alerts", Map.of())));
        assertEquals(List.of("a3", "a2"), ids(get("/alerts", Map.of("severity", "HIGH"))));
        assertEquals(List.of("a4", "a2"), ids(get("/alerts", Map.of("tenant", "acme"))));
        assertEquals(List.of("a4"), ids(get("/alerts", Map.of("tokenId", "tok-1", "owner", "team-a"))));
        assertEquals(List.of("a4"), ids(get("/alerts", Map.of("limit", "1"))));
        assertEquals(4, get("/alerts", Map.of()).path("lastSeq").asLong());
        assertEquals(List.of(4L), alerts.after(3, e -> true, 10).stream().map(AlertBuffer.Entry::seq).toList());
    }

    @Test
    void badParametersAre400() {
        assertEquals(400, status(() -> resource.alerts(request(Map.of("severity", "URGENT")))));
        assertEquals(400, status(() -> resource.alerts(request(Map.of("limit", "0")))));
        assertEquals(400, status(() -> resource.reports(request(Map.of()))));
        assertEquals(400, status(() -> resource.reports(request(Map.of("tenant", "acme", "granularity", "WEEKLY")))));
        assertEquals(400, status(() -> resource.reports(request(Map.of("tenant", "acme", "from", "yesterday")))));
        assertEquals(400, status(() -> resource.streamCheck(request(Map.of("after", "x")))));
    }

    @Test
    void reportsAreOneSeriesOldestFirstAndAWindowReportedAgainReplacesIt() {
        reports.add("acme", null, "HOURLY", 7_200_000, Map.of("activeTokens", 2));
        reports.add("acme", null, "HOURLY", 3_600_000, Map.of("activeTokens", 1));
        reports.add("acme", "team-a", "HOURLY", 3_600_000, Map.of("activeTokens", 1));
        reports.add("acme", null, "HOURLY", 7_200_000, Map.of("activeTokens", 3));
        JsonNode body = get("/reports", Map.of("tenant", "acme"));
        assertEquals(2, body.path("reports").size());
        assertEquals(1, body.path("reports").get(0).path("activeTokens").asInt());
        assertEquals(3, body.path("reports").get(1).path("activeTokens").asInt());
        assertEquals(1, get("/reports", Map.of("tenant", "acme", "owner", "team-a")).path("reports").size());
        assertEquals(1, get("/reports", Map.of("tenant", "acme", "from", "1970-01-01T02:00:00Z")).path("reports").size());
    }

    @Test
    void aScopedCallerSeesItsTenantsOnlyEverywhere() {
        alert("a1", "acme", "team-a", "UNUSED_TOKEN", "LOW", "tok-1");
        alert("a2", "globex", "team-a", "UNUSED_TOKEN", "LOW", "tok-2");
        reports.add("globex", null, "HOURLY", 0, Map.of());
        reports.add("acme", "team-a", "HOURLY", 0, Map.of());
        deployments.add("globex", "billing", "1.0", "DEPLOYED");
        deployments.add("acme", "search", "2.0", "RETIRED");
        resource.scope(r -> r.authorization().orElse("").equals("Bearer acme-only") ? "acme"::equals : t -> true);

        Map<String, String> none = Map.of();
        assertEquals(List.of("a1"), ids(Json.parse(resource.alerts(request(none).withAuthorization("Bearer acme-only")).body())));
        assertEquals(List.of("a2", "a1"), ids(Json.parse(resource.alerts(request(none).withAuthorization("Bearer admin")).body())));
        JsonNode tenants = Json.parse(resource.tenants(request(none).withAuthorization("Bearer acme-only")).body());
        assertEquals(1, tenants.path("tenants").size());
        assertEquals("acme", tenants.path("tenants").get(0).path("tenant").asText());
        assertEquals("team-a", tenants.path("tenants").get(0).path("owners").get(0).asText());
        assertEquals(15, tenants.path("alertTypes").size());
        JsonNode services = Json.parse(resource.services(request(none).withAuthorization("Bearer acme-only")).body());
        assertEquals(List.of("acme"), names(services.path("tenants")));
        assertEquals(404, status(() -> resource.reports(request(Map.of("tenant", "globex")).withAuthorization("Bearer acme-only"))));
        // The stream filters through the same predicate
        assertTrue(resource.filter(request(none).withAuthorization("Bearer acme-only")).test(alerts.latest(e -> true, 10).get(1)));
        assertTrue(!resource.filter(request(none).withAuthorization("Bearer acme-only")).test(alerts.latest(e -> true, 10).get(0)));
    }

    @Test
    void everyFileThePageLoadsIsInTheJar() throws IOException {
        String index = resource("/io/tokenpulse/app/query/web/static/index.html");
        Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(index);
        int found = 0;
        while (m.find()) {
            String path = m.group(1);
            String file = path.startsWith("/webjars/") ? "/META-INF/resources" + path
                    : "/io/tokenpulse/app/query/web/static/" + path.substring("/ui/".length());
            assertNotNull(getClass().getResource(file), path + " is served from " + file);
            found++;
        }
        assertEquals(4, found, "uPlot's script and style, the app's script and style");
        assertTrue(!index.contains("http://") && !index.contains("https://"), "nothing from outside the instance");
    }

    private void alert(String id, String tenant, String owner, String type, String severity, String tokenId) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("alertId", id);
        v.put("type", type);
        v.put("severity", severity);
        v.put("tenant", tenant);
        v.put("tokenId", tokenId);
        v.put("owner", owner);
        alerts.append(tenant, v);
    }

    private JsonNode get(String route, Map<String, String> params) {
        ApiRequest r = request(params);
        return Json.parse((route.equals("/alerts") ? resource.alerts(r) : resource.reports(r)).body());
    }

    private static ApiRequest request(Map<String, String> params) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        params.forEach((k, v) -> q.put(k, List.of(v)));
        return ApiRequest.get("/api/v1/dashboard", q);
    }

    private static List<String> ids(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.path("alerts").forEach(a -> out.add(a.path("alertId").asText()));
        return out;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ApiException e) {
            return e.status();
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = DashboardResourceTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
