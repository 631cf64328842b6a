package io.tokenpulse.app.config;

import io.tokenpulse.schemas.TopicDef;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The typed settings of the pipeline. {@link #load} is pure: files are named by the caller and the
 * environment is passed in, so tests drive every layer.
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

    /** Built-in defaults, the lowest layer. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        // The embedded local stack's broker and registry ports: `up` then `run` works with no settings at all.
        d.put(BOOTSTRAP_SERVERS, "localhost:9092");
        d.put(REGISTRY_URL, "http://localhost:8081");
        d.put(APPLICATION_ID, "tokenpulse");
        // Not /tmp: a state dir that survives a reboot spares a full restore from the changelogs.
        d.put(STATE_DIR, ".tokenpulse/state");
        // Alerts and incident metrics must not double-count after a crash or rebalance.
        d.put(PROCESSING_GUARANTEE, EXACTLY_ONCE_V2);
        // One thread keeps a laptop quiet; raise it up to the input partition count for throughput.
        d.put(NUM_THREADS, "1");
        // Producer clocks drift, but an event a day ahead is a bug that must not drag stream time forward.
        d.put(MAX_FUTURE_SKEW, "P1D");
        // Long enough to commit an open transaction and flush the stores; short enough that Ctrl-C feels prompt.
        d.put(SHUTDOWN_TIMEOUT, "PT30S");
        // How often each task looks at the wall clock: idle sources, time promises to the other tasks.
        d.put(DETECT_TICK, "PT1S");
        // A source (an input partition, another task) silent this long is idle and stops holding event time back;
        // when every source is idle, event time follows the wall clock. Longer than a normal pause in delivery.
        d.put(DETECT_IDLE_AFTER, "PT30S");
        // How far a record may trail the event time already seen on its partition and still be judged as if it
        // came in order; alerts wait this long in event time. Gateways and SDKs flush within seconds; set PT15M for
        // CloudTrail files delivered by several regions (see docs/TIME.md).
        d.put(LATENESS, "PT1M");
        // A redelivered eventId within this much event time of the first copy changes nothing (re-publishing a
        // backfill is harmless); the de-duplication store holds the eventIds of this window.
        d.put(DEDUP_WINDOW, "P7D");
        // The least wall-clock time between two time promises a busy task sends the others (every partition of the
        // links topic gets each one): often enough that nobody waits long, rarely enough to cost nothing.
        d.put(PROMISE_INTERVAL, "PT0.2S");
        // Partitions of the two repartition topics keyed by service version (deployments are few; bindings modest).
        d.put(DETECT_VERSION_PARTITIONS, "6");
        // How long a posture report waits after its window ends for out-of-order input; later input counts in the
        // next report's lateEvents. Also the least delay of every report.
        d.put(REPORTS_GRACE, "PT5M");
        // Every instance serves the query API: a key lookup may land on any of them and is forwarded to its owner.
        d.put(QUERY_ENABLED, "true");
        // Loopback only unless an operator opens it on purpose (and then with bearer auth, see Query.validate).
        d.put(QUERY_BIND, "127.0.0.1");
        // A fixed port, so 'tokenpulse query' finds a local 'run' without settings; 0 picks a free one (tests,
        // several instances on one host), and the instance then advertises the port it got.
        d.put(QUERY_PORT, "8088");
        // Empty: advertise the bind address (a wildcard bind needs query.advertised, as no peer can reach 0.0.0.0).
        d.put(QUERY_ADVERTISED, "");
        // Empty: no auth, which only a loopback bind allows. Hashes, not tokens, so config files hold no secret.
        d.put(QUERY_AUTH_SHA256, "");
        for (TopicDef t : TopicDef.values()) {
            d.put(TOPIC_PREFIX + t.key(), t.defaultName());
        }
        return d;
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

    /** The time machinery of detection and reports (see docs/DETECTION.md, docs/METRICS.md). */
    public record Detection(Duration tick, Duration idleAfter, int versionPartitions, Duration reportGrace,
                            Duration lateness, Duration dedupWindow, Duration promiseInterval) {
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

    /** Types the settings; every problem is collected so the user fixes them in one go. */
    public static AppConfig from(Settings s) {
        List<String> problems = new ArrayList<>();
        Parser p = new Parser(s, problems);

        Map<TopicDef, String> topics = new EnumMap<>(TopicDef.class);
        for (TopicDef t : TopicDef.values()) {
            topics.put(t, p.nonBlank(TOPIC_PREFIX + t.key()));
        }
        Set<String> known = Set.of(TopicDef.values()).stream().map(TopicDef::key)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        s.withPrefix(TOPIC_PREFIX).keySet().stream().filter(k -> !known.contains(k)).forEach(k -> problems.add(
                TOPIC_PREFIX + k + " (" + s.origin(TOPIC_PREFIX + k) + "): no such topic; known: " + known.stream().sorted().toList()));
        if (new java.util.HashSet<>(topics.values()).size() < topics.size() && !topics.containsValue(null)) {
            problems.add("topic.*: two logical topics share one name: " + topics);
        }

        String guarantee = p.get(PROCESSING_GUARANTEE, v -> {
            String g = v.toLowerCase(Locale.ROOT);
            if (!g.equals(EXACTLY_ONCE_V2) && !g.equals(AT_LEAST_ONCE)) {
                throw new IllegalArgumentException("must be " + EXACTLY_ONCE_V2 + " or " + AT_LEAST_ONCE);
            }
            return g;
        });
        Integer threads = p.get(NUM_THREADS, v -> {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException("must be at least 1");
            }
            return n;
        });
        Duration skew = p.get(MAX_FUTURE_SKEW, AppConfig::positiveDuration);
        Duration shutdown = p.get(SHUTDOWN_TIMEOUT, AppConfig::positiveDuration);
        Duration tick = p.get(DETECT_TICK, AppConfig::positiveDuration);
        Duration idleAfter = p.get(DETECT_IDLE_AFTER, AppConfig::nonNegativeDuration);
        Duration lateness = p.get(LATENESS, AppConfig::nonNegativeDuration);
        Duration dedupWindow = p.get(DEDUP_WINDOW, AppConfig::positiveDuration);
        Duration promiseInterval = p.get(PROMISE_INTERVAL, AppConfig::nonNegativeDuration);
        Duration reportGrace = p.get(REPORTS_GRACE, v -> {
            Duration d = parseDuration(v);
            if (d.isNegative()) {
                throw new IllegalArgumentException("must not be negative");
            }
            return d;
        });
        Integer versionPartitions = p.get(DETECT_VERSION_PARTITIONS, v -> {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new IllegalArgumentException("must be at least 1");
            }
            return n;
        });
        Query query = query(p, s, problems);
        String userInfo = s.get(REGISTRY_USER_INFO).filter(v -> !v.isBlank()).orElse(null);
        AppConfig config = new AppConfig(
                p.nonBlank(BOOTSTRAP_SERVERS),
                new Registry(Objects.requireNonNullElse(p.nonBlank(REGISTRY_URL), ""), Optional.ofNullable(userInfo),
                        registrySecurity(s)),
                p.nonBlank(APPLICATION_ID),
                p.get(STATE_DIR, Path::of),
                guarantee,
                threads == null ? 0 : threads,
                problems.isEmpty() ? topics : Map.of(),
                skew,
                shutdown,
                new Detection(tick, idleAfter, versionPartitions == null ? 1 : versionPartitions, reportGrace, lateness,
                        dedupWindow, promiseInterval),
                query,
                s.withPrefix(KAFKA_PREFIX),
                s.withPrefix(STREAMS_PREFIX));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static Query query(Parser p, Settings s, List<String> problems) {
        Boolean enabled = p.get(QUERY_ENABLED, v -> {
            String b = v.trim().toLowerCase(Locale.ROOT);
            if (!b.equals("true") && !b.equals("false")) {
                throw new IllegalArgumentException("must be true or false");
            }
            return b.equals("true");
        });
        String bind = p.nonBlank(QUERY_BIND);
        Integer port = p.get(QUERY_PORT, v -> {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || n > 65535) {
                throw new IllegalArgumentException("must be 0 (a free port) to 65535");
            }
            return n;
        });
        String advertised = s.get(QUERY_ADVERTISED).map(String::trim).orElse("");
        List<String> hashes = new ArrayList<>();
        for (String h : s.get(QUERY_AUTH_SHA256).orElse("").split(",", -1)) {
            String hash = h.trim().toLowerCase(Locale.ROOT);
            if (hash.isEmpty()) {
                continue;
            }
            if (!hash.matches("[0-9a-f]{64}")) {
                // The value is a hash, but say nothing of it: someone may have pasted the token itself here.
                problems.add(QUERY_AUTH_SHA256 + " (" + s.origin(QUERY_AUTH_SHA256)
                        + "): each entry must be a SHA-256 hash in hex (64 characters), e.g. the output of"
                        + " 'printf %s TOKEN | sha256sum'");
                continue;
            }
            hashes.add(hash);
        }
        boolean on = enabled == null || enabled;
        Query q = new Query(on, bind == null ? "127.0.0.1" : bind, port == null ? 0 : port, advertised, hashes, querySecurity(s));
        if (on && bind != null && !Query.isLoopback(bind) && !q.authRequired()) {
            problems.add(QUERY_BIND + "=" + bind + " (" + s.origin(QUERY_BIND) + "): the query API binds beyond loopback"
                    + " only with bearer auth; set " + QUERY_AUTH_CREDENTIALS + " or " + QUERY_AUTH_SHA256);
        }
        return q;
    }

    // ---- security settings, gathered as they are (query/ApiSecurity and the registry client type them) ----
    private static Map<String, String> querySecurity(Settings s) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : List.of(QUERY_AUTH_CREDENTIALS, QUERY_PEER_SECRET, QUERY_PEER_SECRET_FILE)) {
            s.get(key).map(String::trim).filter(v -> !v.isEmpty()).ifPresent(v -> out.put(key, v));
        }
        s.withPrefix(QUERY_TLS_PREFIX).forEach((k, v) -> out.put(QUERY_TLS_PREFIX + k, v.trim()));
        return out;
    }

    private static Map<String, String> registrySecurity(Settings s) {
        Map<String, String> out = new java.util.TreeMap<>();
        s.get(REGISTRY_BEARER_TOKEN).or(() -> s.get("schema.registry." + REGISTRY_BEARER_TOKEN))
                .filter(v -> !v.isBlank()).ifPresent(v -> out.put(REGISTRY_BEARER_TOKEN, v.trim()));
        s.withPrefix(REGISTRY_SSL_PREFIX).forEach((k, v) -> out.put(REGISTRY_SSL_PREFIX + k, v.trim()));
        // The registry client's negative cache of unknown schema ids (Confluent's names).
        for (String key : List.of("missing.id.cache.ttl.sec", "missing.cache.size")) {
            s.get(key).filter(v -> !v.isBlank()).ifPresent(v -> out.put(key, v.trim()));
        }
        return out;
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

    /** Accepts ISO-8601 ({@code P1D}, {@code PT30S}) or milliseconds, as the contract's policy durations do. */
    static Duration parseDuration(String v) {
        if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
            return Duration.ofMillis(Long.parseLong(v));
        }
        try {
            return Duration.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration (use ISO-8601 like PT30S or P1D, or milliseconds)");
        }
    }

    private static Duration nonNegativeDuration(String v) {
        Duration d = parseDuration(v);
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative");
        }
        return d;
    }

    private static Duration positiveDuration(String v) {
        Duration d = parseDuration(v);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("must be positive");
        }
        return d;
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

    /** Parses one setting, recording a problem (with the value's origin) instead of throwing. */
    private record Parser(Settings settings, List<String> problems) {
        String nonBlank(String key) {
            return get(key, v -> {
                if (v.isBlank()) {
                    throw new IllegalArgumentException("must not be blank");
                }
                return v;
            });
        }

        <T> T get(String key, Function<String, T> parse) {
            Optional<String> raw = settings.get(key);
            if (raw.isEmpty()) {
                problems.add(key + ": missing");
                return null;
            }
            try {
                return parse.apply(raw.get());
            } catch (NumberFormatException e) {
                problems.add(key + "=" + raw.get() + " (" + settings.origin(key) + "): not a whole number");
            } catch (IllegalArgumentException e) {
                problems.add(key + "=" + shown(key, raw.get()) + " (" + settings.origin(key) + "): " + e.getMessage());
            }
            return null;
        }

        private static String shown(String key, String value) {
            return isSecret(key) ? "(hidden)" : value;
        }
    }
}
