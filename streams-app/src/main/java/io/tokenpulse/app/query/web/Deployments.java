package io.tokenpulse.app.query.web;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The services each tenant deploys, read from service-deployments: what the versions view lists. The view asks the
 * API ({@code /services/{service}/versions}) for which versions still hold active tokens.
 */
public final class Deployments {
    /** tenant, then service, then version, then the last deployment event type. */
    private final Map<String, Map<String, Map<String, String>>> byTenant = new TreeMap<>();

    public synchronized void add(String tenant, String service, String version, String type) {
        byTenant.computeIfAbsent(tenant, t -> new TreeMap<>()).computeIfAbsent(service, s -> new TreeMap<>()).put(version, type);
    }

    /** tenant, then service, then the versions seen and their last event type; copies. */
    public synchronized Map<String, Map<String, Map<String, String>>> services(Predicate<String> tenants) {
        Map<String, Map<String, Map<String, String>>> out = new TreeMap<>();
        byTenant.forEach((tenant, services) -> {
            if (tenants.test(tenant)) {
                Map<String, Map<String, String>> copy = new TreeMap<>();
                services.forEach((s, v) -> copy.put(s, new TreeMap<>(v)));
                out.put(tenant, copy);
            }
        });
        return out;
    }
}
