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
 * @param missingIdTtl     how long a schema id the registry does not know is answered from memory (a bad record's id
 *                         would otherwise cost one blocking call per record); zero turns the negative cache off
 * @param missingIdCacheSize how many unknown ids are remembered at most (the oldest go first)
 * @param ssl              {@code schema.registry.ssl.truststore.location}, {@code .password} and {@code .type}: the
 *                         CAs an https registry is checked against (the JVM's without them)
 */
public record RegistryConfig(List<String> urls, Optional<String> basicAuthUserInfo, Optional<String> bearerToken,
                             Duration connectTimeout, Duration requestTimeout, int maxRetries, Duration initialBackoff,
                             Duration missingIdTtl, int missingIdCacheSize, Map<String, String> ssl) {
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Our layered config names it with a prefix; both are accepted. */
    public static final String BASIC_AUTH_USER_INFO_PREFIXED = "schema.registry.basic.auth.user.info";
    public static final String BEARER_TOKEN = "bearer.auth.token";
    public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String MAX_RETRIES = "schema.registry.max.retries";
    public static final String BACKOFF_MS = "schema.registry.retry.backoff.ms";
    /** Confluent's names for its negative cache of ids. */
    public static final String MISSING_ID_TTL_SEC = "missing.id.cache.ttl.sec";
    public static final String MISSING_CACHE_SIZE = "missing.cache.size";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String SSL_TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
    static final Duration DEFAULT_MISSING_ID_TTL = Duration.ofSeconds(60);
    static final int DEFAULT_MISSING_CACHE_SIZE = 10_000;

    public RegistryConfig(List<String> urls, Optional<String> basicAuthUserInfo, Optional<String> bearerToken,
                          Duration connectTimeout, Duration requestTimeout, int maxRetries, Duration initialBackoff) {
        this(urls, basicAuthUserInfo, bearerToken, connectTimeout, requestTimeout, maxRetries, initialBackoff,
                DEFAULT_MISSING_ID_TTL, DEFAULT_MISSING_CACHE_SIZE, Map.of());
    }

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
        if (missingIdTtl.isNegative() || missingIdCacheSize < 0) {
            throw new IllegalArgumentException(MISSING_ID_TTL_SEC + " and " + MISSING_CACHE_SIZE + " must not be negative");
        }
        ssl = Map.copyOf(ssl);
    }

    /** Whether requests carry credentials (basic or bearer). */
    public boolean hasCredentials() {
        return basicAuthUserInfo.isPresent() || bearerToken.isPresent() || urls.stream().anyMatch(u -> !redact(u).equals(u));
    }

    /**
     * The URLs (redacted) that would carry credentials over plain HTTP to another host: anyone on the path reads them.
     * Loopback is spared (the local stack, a sidecar).
     */
    public List<String> credentialsInClear() {
        if (!hasCredentials()) {
            return List.of();
        }
        return urls.stream().filter(u -> u.regionMatches(true, 0, "http://", 0, 7) && !loopback(u))
                .map(RegistryConfig::redact).toList();
    }

    private static boolean loopback(String url) {
        String host = java.net.URI.create(redact(url).replace("***@", "")).getHost();
        return host != null && (host.equals("localhost") || host.equals("[::1]") || host.equals("::1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
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
        Map<String, String> ssl = new java.util.TreeMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(SSL_PREFIX) && v != null && !v.toString().isBlank()) {
                ssl.put(k, v.toString().trim());
            }
        });
        return new RegistryConfig(urls, userInfo, string(config, BEARER_TOKEN).or(() -> string(config, "schema.registry." + BEARER_TOKEN)),
                Duration.ofMillis(number(config, CONNECT_TIMEOUT_MS, 5_000)),
                Duration.ofMillis(number(config, REQUEST_TIMEOUT_MS, 10_000)),
                (int) number(config, MAX_RETRIES, 3),
                Duration.ofMillis(number(config, BACKOFF_MS, 200)),
                Duration.ofSeconds(number(config, MISSING_ID_TTL_SEC, DEFAULT_MISSING_ID_TTL.toSeconds())),
                (int) number(config, MISSING_CACHE_SIZE, DEFAULT_MISSING_CACHE_SIZE),
                ssl);
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
