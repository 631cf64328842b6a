package io.tokenpulse.app.config;

import io.tokenpulse.schemas.TopicDef;
import java.util.ArrayList;
import java.util.List;

/**
 * One line per setting saying what it is for: the source of the settings table in docs/SETTINGS.md. Defaults are
 * not repeated here: the table takes them from {@link AppConfig#defaults()}, and {@code GeneratedDocsTest} fails when
 * a setting of {@link AppConfig} has no line here or a line names a setting that does not exist.
 */
public final class SettingDocs {
    /**
     * A documented setting. {@code fixedDefault} is null for settings with a built-in default (shown from
     * {@link AppConfig#defaults()}); for the others it says what applies when the setting is absent.
     */
    public record Doc(String key, String fixedDefault, String meaning) {
    }

    private SettingDocs() {
    }

    public static List<Doc> all() {
        List<Doc> d = new ArrayList<>();
        // Where the cluster is.
        d.add(doc(AppConfig.BOOTSTRAP_SERVERS, "the Kafka cluster; after `up`, the local stack's address"
                + " (`.tokenpulse/stack.properties`) replaces the default"));
        d.add(doc(AppConfig.REGISTRY_URL, "the Confluent-compatible schema registry, comma-separated for failover;"
                + " after `up`, the local stack's"));
        d.add(fixed(AppConfig.REGISTRY_USER_INFO, "none", "`user:password` for the registry (never logged; a warning"
                + " when it would travel over plain `http://` to another host)"));
        d.add(fixed(AppConfig.REGISTRY_BEARER_TOKEN, "none", "a bearer token for the registry instead (also accepted"
                + " as `schema.registry.bearer.auth.token`)"));
        d.add(fixed(AppConfig.REGISTRY_SSL_PREFIX + "*", "the JVM's CAs", "`truststore.location`, `.password`,"
                + " `.type`: the CAs an `https://` registry is checked against"));
        d.add(fixed(io.tokenpulse.registry.RegistryConfig.MISSING_ID_TTL_SEC, "60", "how long a schema id the registry did not know is answered from"
                + " memory, so a stream of records with a bad id costs one registry call; 0 turns it off"));
        d.add(fixed(io.tokenpulse.registry.RegistryConfig.MISSING_CACHE_SIZE, "10000", "how many such unknown ids are remembered"));
        // The application.
        d.add(doc(AppConfig.APPLICATION_ID, "the Kafka Streams application id: consumer group, prefix of the app's"
                + " own topics and transactional ids"));
        d.add(doc(AppConfig.STATE_DIR, "where the local stores live; not /tmp, so a reboot does not force a full"
                + " restore from the changelogs"));
        d.add(doc(AppConfig.PROCESSING_GUARANTEE, "`exactly_once_v2` or `at_least_once`; exactly once, so that alerts"
                + " and incident figures never double-count after a crash or rebalance"));
        d.add(doc(AppConfig.NUM_THREADS, "stream threads; one keeps a laptop quiet, raise it up to the input"
                + " partition count for throughput"));
        d.add(doc(AppConfig.MAX_FUTURE_SKEW, "an event further ahead of the wall clock than this is a producer bug:"
                + " it goes to the dead letters instead of dragging event time forward"));
        d.add(doc(AppConfig.SHUTDOWN_TIMEOUT, "how long a stop may take to commit and flush; long enough to finish a"
                + " transaction, short enough that Ctrl-C feels prompt"));
        // Time (docs/TIME.md).
        d.add(doc(AppConfig.LATENESS, "how far a record may trail its partition's event time and still be judged as"
                + " if in order; alerts wait this long. `PT15M` for CloudTrail (see TIME.md)"));
        d.add(doc(AppConfig.DETECT_IDLE_AFTER, "wall-clock silence after which a source is idle; when all are, event"
                + " time follows the wall clock. Longer than a normal pause in delivery"));
        d.add(doc(AppConfig.DEDUP_WINDOW, "event time over which a repeated eventId changes nothing; set it to the span"
                + " of a backfill you may publish again"));
        d.add(doc(AppConfig.DETECT_TICK, "how often each task looks at the wall clock (idle sources) and re-sends its"
                + " time promise"));
        d.add(doc(AppConfig.PROMISE_INTERVAL, "the least wall-clock time between two time promises of a busy task:"
                + " often enough that nobody waits long, rarely enough to cost nothing"));
        d.add(doc(AppConfig.DETECT_VERSION_PARTITIONS, "partitions of the two repartition topics keyed by service"
                + " version (deployments are few, bindings modest)"));
        d.add(doc(AppConfig.REPORTS_GRACE, "how long a posture report waits after its window ends for out-of-order"
                + " input; later input counts in a later report's `lateEvents`"));
        // Topics.
        for (TopicDef t : TopicDef.values()) {
            d.add(doc(AppConfig.TOPIC_PREFIX + t.key(), "the name of the `" + t.defaultName() + "` topic"));
        }
        d.add(fixed(AppConfig.KAFKA_PREFIX + "*", "none", "passed, without the prefix, to every Kafka client the app"
                + " and the CLI create (e.g. `kafka.security.protocol=SASL_SSL`)"));
        d.add(fixed(AppConfig.STREAMS_PREFIX + "*", "none", "passed, without the prefix, to Kafka Streams last: it"
                + " overrides anything above"));
        // The query API.
        d.add(doc(AppConfig.QUERY_ENABLED, "serve the query API and dashboard from this instance; every instance"
                + " does, since a lookup may land on any of them"));
        d.add(doc(AppConfig.QUERY_BIND, "the address it listens on; anything but loopback requires bearer auth"));
        d.add(doc(AppConfig.QUERY_PORT, "its port, fixed so `tokenpulse query` finds a local `run`; `0` picks a free"
                + " one and advertises it"));
        d.add(doc(AppConfig.QUERY_ADVERTISED, "`host[:port]` peers use to reach this instance; empty: the bind"
                + " address (a wildcard bind needs it)"));
        d.add(doc(AppConfig.QUERY_AUTH_SHA256, "comma-separated hex SHA-256 hashes of bearer tokens that read every"
                + " tenant; hashes, so a config file holds no secret"));
        d.add(fixed(AppConfig.QUERY_AUTH_CREDENTIALS, "none", "a file of named credentials and the tenants each may"
                + " read (README, \"Securing the query API\")"));
        d.add(fixed(AppConfig.QUERY_PEER_SECRET, "none", "the secret instances of one application authenticate"
                + " forwarded requests with; at least 24 characters, the same everywhere"));
        d.add(fixed(AppConfig.QUERY_PEER_SECRET_FILE, "none", "the same secret, read from a file"));
        d.add(fixed(AppConfig.QUERY_TLS_PREFIX + "*", "none (plain HTTP)", "`keystore` (PKCS#12 or `.jks`),"
                + " `.keystore.password`, `.keystore.type`, `.key.password`: serve HTTPS only; `truststore`,"
                + " `.truststore.password`, `.truststore.type`: the CAs peers are checked against;"
                + " `reload.interval` (default `PT1M`): how often a renewed key store is picked up"));
        return List.copyOf(d);
    }

    private static Doc doc(String key, String meaning) {
        return new Doc(key, null, meaning);
    }

    private static Doc fixed(String key, String whenAbsent, String meaning) {
        return new Doc(key, whenAbsent, meaning);
    }
}
