package io.tokenpulse.app.config;

import io.tokenpulse.schemas.TopicDef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The typed settings of the pipeline. {@link #load} is pure: files are named by the caller and the
 * environment is passed in, so tests drive every layer. Every setting is defined once, in {@link AppConfigDef}
 * (type, default, accepted values, doc); this class names them and reads them through those definitions.
 *
 * <p>Precedence, lowest first: built-in defaults &lt; the local stack file ({@code .tokenpulse/stack.properties},
 * written by {@code up}: it only says where the default local stack runs) &lt; the properties file given with
 * {@code --config} &lt; {@code TOKENPULSE_*} environment variables &lt; explicit overrides (CLI flags).
 *
 * @param kafka    {@code kafka.*} settings with the prefix stripped: client settings (security, SASL, ...) for every
 *                 Kafka client TokenPulse builds, the CLI's admin and producers included
 * @param streams  {@code streams.*} settings with the prefix stripped: Kafka Streams settings, applied last
 */
public record AppConfig(
        String bootstrapServers,
        Registry registry,
        String applicationId,
        Path stateDir,
        String processingGuarantee,
        int numThreads,
        Map<TopicDef, String> topicNames,
        Duration maxFutureSkew,
        Duration shutdownTimeout,
        Detection detection,
        Query query,
        Map<String, String> kafka,
        Map<String, String> streams) {

    // ---- The names of the settings; each is defined (type, default, accepted values, doc) in AppConfigDef ----
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String NUM_THREADS = "num.threads";
    public static final String MAX_FUTURE_SKEW = "max.future.skew";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String DETECT_TICK = "detect.tick";
    public static final String DETECT_IDLE_AFTER = "idle.timeout";
    public static final String LATENESS = "lateness";
    public static final String DEDUP_WINDOW = "dedup.window";
    public static final String PROMISE_INTERVAL = "promise.interval";
    public static final String DETECT_VERSION_PARTITIONS = "detect.version.partitions";
    public static final String REPORTS_GRACE = "reports.grace";
    public static final String QUERY_ENABLED = "query.enabled";
    public static final String QUERY_BIND = "query.bind";
    public static final String QUERY_PORT = "query.port";
    public static final String QUERY_ADVERTISED = "query.advertised";
    public static final String QUERY_AUTH_SHA256 = "query.auth.token.sha256";
    public static final String TOPIC_PREFIX = "topic.";
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String STREAMS_PREFIX = "streams.";

    // ---- Security of the query API and the registry client (README "Security"); typed and checked in query/ ----
    /** A file of {@code NAME SHA256-HEX TENANTS} lines: the bearer credentials and the tenants each may read. */
    public static final String QUERY_AUTH_CREDENTIALS = "query.auth.credentials";
    /** The instance secret peers authenticate forwarded requests with (or {@link #QUERY_PEER_SECRET_FILE}). */
    public static final String QUERY_PEER_SECRET = "query.peer.secret";
    public static final String QUERY_PEER_SECRET_FILE = "query.peer.secret.file";
    /** {@code query.tls.keystore}, {@code .keystore.password}, {@code .keystore.type}, {@code .truststore}, ... */
    public static final String QUERY_TLS_PREFIX = "query.tls.";
    /** Confluent's name for the registry's bearer token; passed to the registry client with the URL. */
    public static final String REGISTRY_BEARER_TOKEN = "bearer.auth.token";
    /** {@code schema.registry.ssl.truststore.location} and friends: the registry client's TLS. */
    public static final String REGISTRY_SSL_PREFIX = "schema.registry.ssl.";
    // ---- end of security settings ----

    /** Where {@code up} writes the address of the local stack, relative to the working directory. */
    public static final Path DEFAULT_STACK_FILE = Path.of(".tokenpulse", "stack.properties");

    public static final String AT_LEAST_ONCE = "at_least_once";
    public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";

    /** Built-in defaults, the lowest layer: from the definitions (see {@link AppConfigDef#defaults()}). */
    public static Map<String, String> defaults() {
        return AppConfigDef.defaults();
    }

    /**
     * Where the schema registry is and how to authenticate ({@code user:password} or a bearer token, never logged);
     * {@code security} holds the bearer token, the {@code schema.registry.ssl.*} settings and the unknown-id cache
     * settings, passed on as they are.
     */
    public record Registry(String url, Optional<String> basicAuthUserInfo, Map<String, String> security) {
        public Registry {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(basicAuthUserInfo, "basicAuthUserInfo");
            security = Map.copyOf(security);
        }

        public Registry(String url, Optional<String> basicAuthUserInfo) {
            this(url, basicAuthUserInfo, Map.of());
        }

        /** The settings {@code SchemaRegistryClients.fromConfig} reads. */
        public Map<String, String> clientConfig() {
            Map<String, String> c = new LinkedHashMap<>();
            c.put(REGISTRY_URL, url);
            basicAuthUserInfo.ifPresent(u -> c.put(REGISTRY_USER_INFO, u));
            c.putAll(security);
            return c;
        }

        @Override
        public String toString() {
            return "Registry[url=" + url + ", auth=" + (security.containsKey(REGISTRY_BEARER_TOKEN) ? "bearer (hidden)"
                    : basicAuthUserInfo.isPresent() ? "basic (hidden)" : "none") + "]";
        }
    }

    /**
     * The query API of this instance. {@code port} 0 means "pick a free one"; {@code advertised} is the
     * {@code host[:port]} peers use to reach it (Kafka Streams' {@code application.server}), empty for the bind
     * address; {@code tokenSha256} are the lower-case hex SHA-256 hashes of the accepted bearer tokens (every
     * tenant); {@code security} the credentials file, peer secret and TLS settings by their full names.
     */
    public record Query(boolean enabled, String bind, int port, String advertised, List<String> tokenSha256,
                        Map<String, String> security) {
        public Query {
            tokenSha256 = List.copyOf(tokenSha256);
            security = Map.copyOf(security);
        }

        public Query(boolean enabled, String bind, int port, String advertised, List<String> tokenSha256) {
            this(enabled, bind, port, advertised, tokenSha256, Map.of());
        }

        public boolean authRequired() {
            return !tokenSha256.isEmpty() || security.containsKey(QUERY_AUTH_CREDENTIALS);
        }

        /**
         * Loopback addresses only: anything else exposes token metadata to the network. {@code localhost}, {@code ::1}
         * or an IPv4 literal in 127.0.0.0/8; never a name that merely starts with "127." (127.evil.example resolves
         * wherever its owner likes).
         */
        public static boolean isLoopback(String host) {
            String h = host.trim().toLowerCase(Locale.ROOT);
            return h.equals("localhost") || h.equals("::1") || h.equals("[::1]")
                    || h.matches("127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){2}");
        }

        @Override
        public String toString() {
            return "Query[enabled=" + enabled + ", bind=" + bind + ", port=" + port + ", advertised=" + advertised
                    + ", auth=" + (authRequired() ? tokenSha256.size() + " token hash(es)" : "none")
                    + ", security=" + redact(security) + "]";
        }
    }

    public AppConfig {
        topicNames = Map.copyOf(topicNames);
        kafka = Map.copyOf(kafka);
        streams = Map.copyOf(streams);
    }

    /** Loads the layers and types them; {@code configFile} must exist when given, the stack file may be absent. */
    public static AppConfig load(Optional<Path> configFile, Optional<Path> stackFile,
                                 Map<String, String> environment, Map<String, String> overrides) {
        return from(layers(configFile, stackFile, environment, overrides));
    }

    /** The merged layers, each value with its origin (for error messages and a {@code config} command). */
    public static Settings layers(Optional<Path> configFile, Optional<Path> stackFile,
                                  Map<String, String> environment, Map<String, String> overrides) {
        Settings.Builder b = Settings.builder().layer(defaults(), "built-in default");
        stackFile.ifPresent(f -> b.optionalFile(f, "local stack file"));
        configFile.ifPresent(f -> b.file(f, "config file"));
        return b.environment(environment).layer(overrides, "command line").build();
    }

    /** Types the settings through their definitions; every problem is collected so the user fixes them in one go. */
    public static AppConfig from(Settings s) {
        SettingReader r = new SettingReader(s);
        Map<TopicDef, String> topics = topics(r, s);
        String bootstrapServers = r.get(AppConfigDef.BOOTSTRAP_SERVERS);
        Registry registry = registry(r, s);
        String applicationId = r.get(AppConfigDef.APPLICATION_ID);
        Path stateDir = r.get(AppConfigDef.STATE_DIR);
        String guarantee = r.get(AppConfigDef.PROCESSING_GUARANTEE);
        Integer threads = r.get(AppConfigDef.NUM_THREADS);
        Duration skew = r.get(AppConfigDef.MAX_FUTURE_SKEW);
        Duration shutdown = r.get(AppConfigDef.SHUTDOWN_TIMEOUT);
        Detection detection = detection(r);
        Query query = query(r);
        r.throwIfAny();
        return new AppConfig(bootstrapServers, registry, applicationId, stateDir, guarantee, threads, topics, skew,
                shutdown, detection, query, r.prefixed(AppConfigDef.KAFKA), r.prefixed(AppConfigDef.STREAMS));
    }

    private static Map<TopicDef, String> topics(SettingReader r, Settings s) {
        Map<TopicDef, String> topics = new EnumMap<>(TopicDef.class);
        AppConfigDef.TOPICS.forEach((t, setting) -> topics.put(t, r.get(setting)));
        Set<String> known = AppConfigDef.TOPICS.keySet().stream().map(TopicDef::key)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        s.withPrefix(TOPIC_PREFIX).keySet().stream().filter(k -> !known.contains(k)).forEach(k -> r.problem(
                TOPIC_PREFIX + k + " (" + r.origin(TOPIC_PREFIX + k) + "): no such topic; known: " + List.copyOf(known)));
        if (new java.util.HashSet<>(topics.values()).size() < topics.size() && !topics.containsValue(null)) {
            r.problem("topic.*: two logical topics share one name: " + topics);
        }
        return topics;
    }

    /** The time settings, as the one record detection, event time and the reports take; null on a problem. */
    private static Detection detection(SettingReader r) {
        Duration lateness = r.get(AppConfigDef.LATENESS);
        Duration idleTimeout = r.get(AppConfigDef.IDLE_TIMEOUT);
        Duration dedupWindow = r.get(AppConfigDef.DEDUP_WINDOW);
        Duration tick = r.get(AppConfigDef.DETECT_TICK);
        Duration promiseInterval = r.get(AppConfigDef.PROMISE_INTERVAL);
        Integer versionPartitions = r.get(AppConfigDef.DETECT_VERSION_PARTITIONS);
        Duration reportGrace = r.get(AppConfigDef.REPORTS_GRACE);
        return r.ok() ? new Detection(lateness, idleTimeout, dedupWindow, tick, promiseInterval, versionPartitions,
                reportGrace) : null;
    }

    private static Query query(SettingReader r) {
        Boolean enabled = r.get(AppConfigDef.QUERY_ENABLED);
        String bind = r.get(AppConfigDef.QUERY_BIND);
        Integer port = r.get(AppConfigDef.QUERY_PORT);
        String advertised = r.get(AppConfigDef.QUERY_ADVERTISED);
        List<String> hashes = r.get(AppConfigDef.QUERY_AUTH_SHA256);
        Map<String, String> security = querySecurity(r);
        if (enabled == null || bind == null || port == null || advertised == null || hashes == null) {
            return null;
        }
        Query q = new Query(enabled, bind, port, advertised, hashes, security);
        if (enabled && !Query.isLoopback(bind) && !q.authRequired()) {
            r.problem(QUERY_BIND + "=" + bind + " (" + r.origin(QUERY_BIND) + "): the query API binds beyond loopback"
                    + " only with bearer auth; set " + QUERY_AUTH_CREDENTIALS + " or " + QUERY_AUTH_SHA256);
        }
        return q;
    }

    // ---- security settings, gathered as they are (query/ApiSecurity and the registry client type them) ----
    private static Map<String, String> querySecurity(SettingReader r) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Setting<String> setting : List.of(AppConfigDef.QUERY_AUTH_CREDENTIALS, AppConfigDef.QUERY_PEER_SECRET,
                AppConfigDef.QUERY_PEER_SECRET_FILE)) {
            r.optional(setting).ifPresent(v -> out.put(setting.name(), v));
        }
        r.prefixed(AppConfigDef.QUERY_TLS).forEach((k, v) -> out.put(QUERY_TLS_PREFIX + k, v.trim()));
        return out;
    }

    private static Registry registry(SettingReader r, Settings s) {
        String url = r.get(AppConfigDef.REGISTRY_URL);
        Map<String, String> security = new java.util.TreeMap<>();
        r.optional(AppConfigDef.REGISTRY_BEARER_TOKEN)
                .or(() -> s.get("schema.registry." + REGISTRY_BEARER_TOKEN).filter(v -> !v.isBlank()).map(String::trim))
                .ifPresent(v -> security.put(REGISTRY_BEARER_TOKEN, v));
        r.prefixed(AppConfigDef.REGISTRY_SSL).forEach((k, v) -> security.put(REGISTRY_SSL_PREFIX + k, v.trim()));
        for (Setting<Long> setting : List.of(AppConfigDef.REGISTRY_MISSING_ID_TTL_SEC,
                AppConfigDef.REGISTRY_MISSING_CACHE_SIZE)) {
            r.optional(setting).ifPresent(v -> security.put(setting.name(), Long.toString(v)));
        }
        return new Registry(Objects.requireNonNullElse(url, ""), r.optional(AppConfigDef.REGISTRY_USER_INFO), security);
    }

    /** Settings for a plain Kafka client (the CLI's admin client and producers): bootstrap plus {@code kafka.*}. */
    public Map<String, Object> kafkaClientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(kafka);
        p.put(BOOTSTRAP_SERVERS, bootstrapServers);
        return p;
    }

    public String topicName(TopicDef topic) {
        return topicNames.get(topic);
    }

    /** The app's own topic of facts between token processors (created by the app, see TokenPulseApp). */
    public String linksTopic() {
        return applicationId + "-token-links";
    }

    /** Secrets stay out: registry credentials and any client setting that looks like one are hidden. */
    @Override
    public String toString() {
        return "AppConfig[bootstrapServers=" + bootstrapServers + ", registry=" + registry
                + ", applicationId=" + applicationId + ", stateDir=" + stateDir
                + ", processingGuarantee=" + processingGuarantee + ", numThreads=" + numThreads
                + ", topicNames=" + topicNames + ", maxFutureSkew=" + maxFutureSkew
                + ", shutdownTimeout=" + shutdownTimeout + ", query=" + query + ", kafka=" + redact(kafka) + ", streams=" + redact(streams) + "]";
    }

    static Map<String, String> redact(Map<String, String> settings) {
        Map<String, String> out = new java.util.TreeMap<>();
        settings.forEach((k, v) -> out.put(k, isSecret(k) ? "(hidden)" : v));
        return out;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas") || k.contains("user.info")
                || k.contains("credential") || k.contains("keystore.key") || k.contains("token");
    }
}
