package io.tokenpulse.app.config;

import static io.tokenpulse.app.config.Setting.define;
import static io.tokenpulse.app.config.Setting.optional;
import static io.tokenpulse.app.config.Setting.prefix;

import io.tokenpulse.registry.RegistryConfig;
import io.tokenpulse.schemas.TopicDef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of TokenPulse, one definition each (name, type, default, accepted values, what it is for), in the
 * order of the settings table of docs/SETTINGS.md. A built-in default has its reason beside it; the doc line is the
 * table's "what it is for". To add a setting: define it here, add its name to {@link AppConfig}, read it in
 * {@link AppConfig#from}, and regenerate the docs (see CONTRIBUTING, "Generated docs").
 */
public final class AppConfigDef {
    // ---- where the cluster is ----
    // The embedded local stack's broker and registry: `up` then `run` works with no settings at all.
    public static final Setting<String> BOOTSTRAP_SERVERS = define(AppConfig.BOOTSTRAP_SERVERS, Setting.Type.STRING,
            "localhost:9092", Setting.Validator.nonBlank(), "the Kafka cluster; after `up`, the local stack's address"
                    + " (`.tokenpulse/stack.properties`) replaces the default");
    public static final Setting<String> REGISTRY_URL = define(AppConfig.REGISTRY_URL, Setting.Type.STRING,
            "http://localhost:8081", Setting.Validator.nonBlank(), "the Confluent-compatible schema registry, comma-separated"
                    + " for failover; after `up`, the local stack's");
    public static final Setting<String> REGISTRY_USER_INFO = optional(AppConfig.REGISTRY_USER_INFO, Setting.Type.STRING,
            "none", Setting.Validator.any(), "`user:password` for the registry (never logged; a warning when it would travel"
                    + " over plain `http://` to another host)");
    public static final Setting<String> REGISTRY_BEARER_TOKEN = optional(AppConfig.REGISTRY_BEARER_TOKEN, Setting.Type.STRING,
            "none", Setting.Validator.any(), "a bearer token for the registry instead (also accepted as"
                    + " `schema.registry.bearer.auth.token`)");
    public static final Setting<String> REGISTRY_SSL = prefix(AppConfig.REGISTRY_SSL_PREFIX, "the JVM's CAs",
            "`truststore.location`, `.password`, `.type`: the CAs an `https://` registry is checked against");
    // The registry client's negative cache of unknown schema ids (Confluent's names); its defaults are the client's.
    public static final Setting<Long> REGISTRY_MISSING_ID_TTL_SEC = optional(RegistryConfig.MISSING_ID_TTL_SEC,
            Setting.Type.LONG, "60", Setting.Validator.atLeast(0), "how long a schema id the registry did not know is answered from"
                    + " memory, so a stream of records with a bad id costs one registry call; 0 turns it off");
    public static final Setting<Long> REGISTRY_MISSING_CACHE_SIZE = optional(RegistryConfig.MISSING_CACHE_SIZE,
            Setting.Type.LONG, "10000", Setting.Validator.atLeast(0), "how many such unknown ids are remembered");

    // ---- the application ----
    public static final Setting<String> APPLICATION_ID = define(AppConfig.APPLICATION_ID, Setting.Type.STRING, "tokenpulse",
            Setting.Validator.nonBlank(), "the Kafka Streams application id: consumer group, prefix of the app's own topics"
                    + " and transactional ids");
    // Not /tmp: a state dir that survives a reboot spares a full restore from the changelogs.
    public static final Setting<Path> STATE_DIR = define(AppConfig.STATE_DIR, Setting.Type.PATH, ".tokenpulse/state",
            Setting.Validator.any(), "where the local stores live; not /tmp, so a reboot does not force a full restore from"
                    + " the changelogs");
    // Alerts and incident metrics must not double-count after a crash or rebalance.
    public static final Setting<String> PROCESSING_GUARANTEE = define(AppConfig.PROCESSING_GUARANTEE,
            Setting.Type.oneOf(AppConfig.EXACTLY_ONCE_V2, AppConfig.AT_LEAST_ONCE), AppConfig.EXACTLY_ONCE_V2, Setting.Validator.any(),
            "`exactly_once_v2` or `at_least_once`; exactly once, so that alerts and incident figures never"
                    + " double-count after a crash or rebalance");
    // One thread keeps a laptop quiet; raise it up to the input partition count for throughput.
    public static final Setting<Integer> NUM_THREADS = define(AppConfig.NUM_THREADS, Setting.Type.INT, "1",
            Setting.Validator.atLeast(1), "stream threads; one keeps a laptop quiet, raise it up to the input partition count"
                    + " for throughput");
    // Producer clocks drift, but an event a day ahead is a bug that must not drag stream time forward.
    public static final Setting<Duration> MAX_FUTURE_SKEW = define(AppConfig.MAX_FUTURE_SKEW, Setting.Type.DURATION, "P1D",
            Setting.Validator.positive(), "an event further ahead of the wall clock than this is a producer bug: it goes to"
                    + " the dead letters instead of dragging event time forward");
    // Long enough to commit an open transaction and flush the stores; short enough that Ctrl-C feels prompt.
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = define(AppConfig.SHUTDOWN_TIMEOUT, Setting.Type.DURATION, "PT30S",
            Setting.Validator.positive(), "how long a stop may take to commit and flush; long enough to finish a transaction,"
                    + " short enough that Ctrl-C feels prompt");

    // ---- time (docs/TIME.md), read into one Detection ----
    // Gateways and SDKs flush within seconds; PT15M suits CloudTrail files delivered by several regions.
    public static final Setting<Duration> LATENESS = define(AppConfig.LATENESS, Setting.Type.DURATION, "PT1M",
            Setting.Validator.notNegative(), "how far a record may trail its partition's event time and still be judged as"
                    + " if in order; alerts wait this long. `PT15M` for CloudTrail (see TIME.md)");
    // A source (an input partition, another task) silent this long stops holding event time back.
    public static final Setting<Duration> IDLE_TIMEOUT = define(AppConfig.DETECT_IDLE_AFTER, Setting.Type.DURATION, "PT30S",
            Setting.Validator.notNegative(), "wall-clock silence after which a source is idle; when all are, event time"
                    + " follows the wall clock. Longer than a normal pause in delivery");
    // Re-publishing a backfill is harmless; the de-duplication store holds the eventIds of this window.
    public static final Setting<Duration> DEDUP_WINDOW = define(AppConfig.DEDUP_WINDOW, Setting.Type.DURATION, "P7D",
            Setting.Validator.positive(), "event time over which a repeated eventId changes nothing; set it to the span of a"
                    + " backfill you may publish again");
    public static final Setting<Duration> DETECT_TICK = define(AppConfig.DETECT_TICK, Setting.Type.DURATION, "PT1S",
            Setting.Validator.positive(), "how often each task looks at the wall clock (idle sources) and re-sends its time"
                    + " promise");
    // Every partition of the links topic gets each promise: often enough that nobody waits long, rarely enough to
    // cost nothing.
    public static final Setting<Duration> PROMISE_INTERVAL = define(AppConfig.PROMISE_INTERVAL, Setting.Type.DURATION,
            "PT0.2S", Setting.Validator.notNegative(), "the least wall-clock time between two time promises of a busy task:"
                    + " often enough that nobody waits long, rarely enough to cost nothing");
    // Deployments are few, bindings modest.
    public static final Setting<Integer> DETECT_VERSION_PARTITIONS = define(AppConfig.DETECT_VERSION_PARTITIONS,
            Setting.Type.INT, "6", Setting.Validator.atLeast(1), "partitions of the two repartition topics keyed by service version"
                    + " (deployments are few, bindings modest)");
    // Also the least delay of every report.
    public static final Setting<Duration> REPORTS_GRACE = define(AppConfig.REPORTS_GRACE, Setting.Type.DURATION, "PT5M",
            Setting.Validator.notNegative(), "how long a posture report waits after its window ends for out-of-order input;"
                    + " later input counts in a later report's `lateEvents`");

    // ---- topics and client settings ----
    /** {@code topic.KEY} for each logical topic, named after the topic by default. */
    public static final Map<TopicDef, Setting<String>> TOPICS = topics();
    public static final Setting<String> KAFKA = prefix(AppConfig.KAFKA_PREFIX, "none", "passed, without the prefix,"
            + " to every Kafka client the app and the CLI create (e.g. `kafka.security.protocol=SASL_SSL`)");
    public static final Setting<String> STREAMS = prefix(AppConfig.STREAMS_PREFIX, "none", "passed, without the"
            + " prefix, to Kafka Streams last: it overrides anything above");

    // ---- the query API (README "Security"; the security settings are typed and checked in query/) ----
    // Every instance serves it: a key lookup may land on any of them and is forwarded to its owner.
    public static final Setting<Boolean> QUERY_ENABLED = define(AppConfig.QUERY_ENABLED, Setting.Type.BOOLEAN, "true",
            Setting.Validator.any(), "serve the query API and dashboard from this instance; every instance does, since a"
                    + " lookup may land on any of them");
    // Loopback only unless an operator opens it on purpose, and then with bearer auth.
    public static final Setting<String> QUERY_BIND = define(AppConfig.QUERY_BIND, Setting.Type.STRING, "127.0.0.1",
            Setting.Validator.nonBlank(), "the address it listens on; anything but loopback requires bearer auth");
    // Fixed, so 'tokenpulse query' finds a local 'run' without settings; 0 (tests, several instances on one host)
    // picks a free one, which the instance then advertises.
    public static final Setting<Integer> QUERY_PORT = define(AppConfig.QUERY_PORT, Setting.Type.INT, "8088",
            Setting.Validator.between(0, 65535, "0 (a free port) to 65535"), "its port, fixed so `tokenpulse query` finds a"
                    + " local `run`; `0` picks a free one and advertises it");
    // Empty: the bind address (no peer can reach 0.0.0.0, so a wildcard bind needs it).
    public static final Setting<String> QUERY_ADVERTISED = define(AppConfig.QUERY_ADVERTISED, Setting.Type.STRING, "",
            Setting.Validator.any(), "`host[:port]` peers use to reach this instance; empty: the bind address (a wildcard"
                    + " bind needs it)");
    // Empty: no auth, which only a loopback bind allows. Hashes, not tokens, so config files hold no secret.
    public static final Setting<List<String>> QUERY_AUTH_SHA256 = define(AppConfig.QUERY_AUTH_SHA256,
            Setting.Type.SHA256_LIST, "", Setting.Validator.any(), "comma-separated hex SHA-256 hashes of bearer tokens that read"
                    + " every tenant; hashes, so a config file holds no secret");
    public static final Setting<String> QUERY_AUTH_CREDENTIALS = optional(AppConfig.QUERY_AUTH_CREDENTIALS,
            Setting.Type.STRING, "none", Setting.Validator.any(), "a file of named credentials and the tenants each may read (README,"
                    + " \"Securing the query API\")");
    public static final Setting<String> QUERY_PEER_SECRET = optional(AppConfig.QUERY_PEER_SECRET, Setting.Type.STRING, "none",
            Setting.Validator.any(), "the secret instances of one application authenticate forwarded requests with; at least"
                    + " 24 characters, the same everywhere");
    public static final Setting<String> QUERY_PEER_SECRET_FILE = optional(AppConfig.QUERY_PEER_SECRET_FILE,
            Setting.Type.STRING, "none", Setting.Validator.any(), "the same secret, read from a file");
    public static final Setting<String> QUERY_TLS = prefix(AppConfig.QUERY_TLS_PREFIX, "none (plain HTTP)",
            "`keystore` (PKCS#12 or `.jks`), `.keystore.password`, `.keystore.type`, `.key.password`: serve HTTPS"
                    + " only; `truststore`, `.truststore.password`, `.truststore.type`: the CAs peers are checked"
                    + " against; `reload.interval` (default `PT1M`): how often a renewed key store is picked up");

    private static final List<Setting<?>> ALL = list();

    private AppConfigDef() {
    }

    /** Every definition, in the order of the docs. */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /** The built-in defaults, the lowest layer of the settings: every setting that has one. */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        ALL.stream().filter(Setting::hasDefault).forEach(s -> d.put(s.name(), s.defaultValue()));
        return d;
    }

    private static Map<TopicDef, Setting<String>> topics() {
        Map<TopicDef, Setting<String>> t = new EnumMap<>(TopicDef.class);
        for (TopicDef topic : TopicDef.values()) {
            t.put(topic, define(AppConfig.TOPIC_PREFIX + topic.key(), Setting.Type.STRING, topic.defaultName(),
                    Setting.Validator.nonBlank(), "the name of the `" + topic.defaultName() + "` topic"));
        }
        return Collections.unmodifiableMap(t);
    }

    private static List<Setting<?>> list() {
        List<Setting<?>> all = new ArrayList<>(List.of(
                BOOTSTRAP_SERVERS, REGISTRY_URL, REGISTRY_USER_INFO, REGISTRY_BEARER_TOKEN, REGISTRY_SSL,
                REGISTRY_MISSING_ID_TTL_SEC, REGISTRY_MISSING_CACHE_SIZE,
                APPLICATION_ID, STATE_DIR, PROCESSING_GUARANTEE, NUM_THREADS, MAX_FUTURE_SKEW, SHUTDOWN_TIMEOUT,
                LATENESS, IDLE_TIMEOUT, DEDUP_WINDOW, DETECT_TICK, PROMISE_INTERVAL, DETECT_VERSION_PARTITIONS,
                REPORTS_GRACE));
        all.addAll(TOPICS.values());
        all.addAll(List.of(KAFKA, STREAMS,
                QUERY_ENABLED, QUERY_BIND, QUERY_PORT, QUERY_ADVERTISED, QUERY_AUTH_SHA256, QUERY_AUTH_CREDENTIALS,
                QUERY_PEER_SECRET, QUERY_PEER_SECRET_FILE, QUERY_TLS));
        return List.copyOf(all);
    }
}
