package io.tokenpulse.app.query;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Who asks and which tenants they may read. {@code tenants} null means every tenant (operators, the Prometheus
 * scraper, and everyone when auth is off on loopback). Resources filter every answer through {@link #mayRead}, and a
 * token, posture or version of a tenant out of scope answers exactly like one that does not exist.
 *
 * <p>Between instances the caller travels as its scope ({@link #scopeHeader}), never as its bearer token: a peer
 * learns what the caller may read and nothing it could replay.
 */
public record Caller(String name, Set<String> tenants) {
    /** Auth off (loopback only): every tenant. */
    public static final Caller ANONYMOUS = new Caller("anonymous", null);
    static final String ALL = "*";

    public Caller {
        tenants = tenants == null ? null : Set.copyOf(tenants);
    }

    public static Caller allTenants(String name) {
        return new Caller(name, null);
    }

    public boolean allTenants() {
        return tenants == null;
    }

    public boolean mayRead(String tenant) {
        return tenants == null || (tenant != null && tenants.contains(tenant));
    }

    /** {@code *}, or the tenants URL-encoded, sorted and comma-separated (a tenant name may hold a comma). */
    public String scopeHeader() {
        if (tenants == null) {
            return ALL;
        }
        return new TreeSet<>(tenants).stream().map(t -> URLEncoder.encode(t, StandardCharsets.UTF_8))
                .collect(Collectors.joining(","));
    }

    /** The caller a peer forwarded for; an empty scope reads nothing. */
    public static Caller fromScopeHeader(String name, String scope) {
        if (scope.equals(ALL)) {
            return new Caller(name, null);
        }
        Set<String> tenants = Arrays.stream(scope.split(",")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).collect(Collectors.toSet());
        return new Caller(name, tenants);
    }

    @Override
    public String toString() {
        return name + (tenants == null ? "[*]" : "[" + String.join(",", new TreeSet<>(tenants)) + "]");
    }
}
