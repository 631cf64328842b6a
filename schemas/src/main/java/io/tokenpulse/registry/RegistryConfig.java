package io.tokenpulse.registry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach a Confluent-compatible schema registry. Config keys follow Confluent's client where one
 * exists, so an existing serde configuration works unchanged.
 *
 * @param urls             base URLs (a comma-separated list in config); the next is tried when one cannot be reached
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth
 * @param bearerToken      a bearer token (takes precedence over basic auth)
 */
public record RegistryConfig(List<String> urls, Optional<String> basicAuthUserInfo, Optional<String> bearerToken,
                             Duration connectTimeout, Duration requestTimeout, int maxRetries, Duration initialBackoff) {
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Our layered config names it with a prefix; both are accepted. */
    public static final String BASIC_AUTH_USER_INFO_PREFIXED = "schema.registry.basic.auth.user.info";
    public static final String BEARER_TOKEN = "bearer.auth.token";
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    public static final String BACKOFF_MS = "schema.registry.retry.backoff.ms";

    public RegistryConfig {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("a schema registry URL is required");
        }
        urls = urls.stream().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).toList();
        for (String u : urls) {
            if (!u.startsWith("http://") && !u.startsWith("https://")) {
                throw new IllegalArgumentException("schema registry URL must start with http:// or https://, got " + redact(u));
            }
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException(MAX_RETRIES + " must not be negative, got " + maxRetries);
        }
    }

    /**
     * The URL without any {@code user:password@} part, for messages and logs; whatever the scheme, or none, since
     * the error for a mistyped scheme shows the URL too.
     */
    public static String redact(String url) {
        return url.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@]*@", "$1***@");
    }

    public static RegistryConfig of(String url) {
        return from(Map.of(SchemaRegistryClients.URL_CONFIG, url));
    }

    public static RegistryConfig from(Map<String, ?> config) {
        String url = String.valueOf(config.get(SchemaRegistryClients.URL_CONFIG));
        List<String> urls = Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        Optional<String> userInfo = string(config, BASIC_AUTH_USER_INFO).or(() -> string(config, BASIC_AUTH_USER_INFO_PREFIXED));
        return new RegistryConfig(urls, userInfo, string(config, BEARER_TOKEN),
                Duration.ofMillis(number(config, CONNECT_TIMEOUT_MS, 5_000)),
                Duration.ofMillis(number(config, REQUEST_TIMEOUT_MS, 10_000)),
                (int) number(config, MAX_RETRIES, 3),
                Duration.ofMillis(number(config, BACKOFF_MS, 200)));
    }

    private static Optional<String> string(Map<String, ?> config, String key) {
        Object v = config.get(key);
        return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString());
    }

    private static long number(Map<String, ?> config, String key, long fallback) {
        Object v = config.get(key);
        if (v == null || v.toString().isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'", e);
        }
    }

    /** Never prints credentials. */
    @Override
    public String toString() {
        return "RegistryConfig[urls=" + urls.stream().map(RegistryConfig::redact).toList() + ", auth=" + (bearerToken.isPresent() ? "bearer" : basicAuthUserInfo.isPresent() ? "basic" : "none")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxRetries=" + maxRetries + "]";
    }
}
