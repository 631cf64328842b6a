package io.tokenpulse.app;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.ConfigException;
import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.ingest.DeadLetterCounter;
import io.tokenpulse.app.query.ApiSecurity;
import io.tokenpulse.app.query.AuditLog;
import io.tokenpulse.app.query.QueryApi;
import io.tokenpulse.app.query.QueryMetrics;
import io.tokenpulse.app.query.QueryServer;
import io.tokenpulse.app.query.Readiness;
import io.tokenpulse.app.query.StreamsCluster;
import io.tokenpulse.app.query.web.Dashboard;
import io.tokenpulse.app.time.EndCheckingClients;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running pipeline: one {@link KafkaStreams} client over {@link TokenPulseTopology}, usable from the CLI
 * ({@code run}: start, wait on {@link #stopped()}, the CLI's shutdown hook calls {@link #close()}) and from tests.
 *
 * <pre>{@code
 * AppConfig config = AppConfig.load(Optional.of(file), Optional.of(AppConfig.DEFAULT_STACK_FILE), System.getenv(), flags);
 * try (TokenPulseApp app = TokenPulseApp.create(config).start()) {
 *     app.awaitRunning(Duration.ofMinutes(2));
 *     app.stopped().join();
 * }
 * }</pre>
 */
public final class TokenPulseApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TokenPulseApp.class);

    /** More stream-thread replacements than this within {@link #REPLACEMENT_WINDOW} means the error is not transient. */
    private static final int MAX_REPLACEMENTS = 5;
    private static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(5);

    private final AppConfig config;
    private final Topics topics;
    private final TokenPulseTopology topology;
    private final KafkaStreams streams;
    private final SchemaRegistryClient ownedRegistry;
    /** The query API of this instance; null when {@code query.enabled=false}. */
    private final QueryServer query;
    private final QueryMetrics queryMetrics;
    /** The web dashboard on the query server; null when the query API is off. */
    private final Dashboard dashboard;
    private final Readiness readiness = new Readiness();
    private final CompletableFuture<Void> running = new CompletableFuture<>();
    private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
    private final ThreadReplacements replacements = new ThreadReplacements(MAX_REPLACEMENTS, REPLACEMENT_WINDOW);
    private Boolean closed;

    private TokenPulseApp(AppConfig config, SchemaRegistryClient registry, boolean ownsRegistry, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.topics = Topics.create(config, registry);
        this.topology = TokenPulseTopology.build(config, topics, clock);
        this.ownedRegistry = ownsRegistry ? registry : null;
        Properties props = topology.properties();
        refuseStreamsGroupProtocol(props);
        // The query server binds first: application.server must name the port it got, so peers can forward to it.
        this.query = config.query().enabled() ? QueryServer.bind(config.query()) : null;
        try {
            if (query != null) {
                HostInfo self = query.advertised();
                if (config.streams().containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG)) {
                    // Peers forward to application.server, so it must be where this instance's query API answers.
                    log.warn("Ignoring streams.{}={}: the query API sets it from query.advertised ({}:{})",
                            StreamsConfig.APPLICATION_SERVER_CONFIG, config.streams().get(StreamsConfig.APPLICATION_SERVER_CONFIG),
                            self.host(), self.port());
                }
                props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
            }
            // The main consumers report how far they have read, so a partition counts as idle only when read to its end.
            this.streams = new KafkaStreams(topology.topology(), props, new EndCheckingClients(topology.ends()));
            streams.setStateListener(this::onStateChange);
            streams.setUncaughtExceptionHandler(this::onUncaught);
            if (query != null) {
                StreamsCluster cluster = new StreamsCluster(streams, query.advertised(), topology.topology().describe(),
                        config.applicationId());
                queryMetrics = new QueryMetrics(streams, topology.deadLetters(), topology.late());
                ApiSecurity security = query.security();
                query.serve(QueryApi.routes(cluster, cluster, security.forwarder(QueryApi.PEER_TIMEOUT),
                        topics.keySerde().serializer(), security.auth(), security.peer(), AuditLog.toLogger(), readiness,
                        queryMetrics::scrape, queryMetrics));
                dashboard = Dashboard.create(config, topics, security.auth(), queryMetrics);
                query.web(dashboard.handler());
            } else {
                queryMetrics = null;
                dashboard = null;
            }
        } catch (RuntimeException e) {
            if (query != null) {
                query.close();
            }
            throw e;
        }
    }

    /**
     * Under the streams group protocol (KIP-1071) Kafka Streams builds its main consumer itself, so no partition could
     * be known to be read to its end and idleness would rest on silence alone: refused rather than silently weaker.
     */
    static void refuseStreamsGroupProtocol(Properties props) {
        Object protocol = props.get(StreamsConfig.GROUP_PROTOCOL_CONFIG);
        if (protocol != null && "streams".equalsIgnoreCase(protocol.toString().trim())) {
            throw new ConfigException(List.of("streams." + StreamsConfig.GROUP_PROTOCOL_CONFIG + "=streams is not supported:"
                    + " idleness needs to know when each input partition is read to its end, which Kafka Streams reports"
                    + " only through the classic protocol's consumer; remove the setting or set it to classic"));
        }
    }

    /** An app with its own registry client, from {@code schema.registry.url} (closed with the app). */
    public static TokenPulseApp create(AppConfig config) {
        return new TokenPulseApp(config, SchemaRegistryClients.fromConfig(config.registry().clientConfig()), true, Clock.systemUTC());
    }

    /** An app over a registry client the caller owns and closes (tests, an embedding process). */
    public static TokenPulseApp create(AppConfig config, SchemaRegistryClient registry, Clock clock) {
        return new TokenPulseApp(config, registry, false, clock);
    }

    public TokenPulseApp start() {
        log.info("Starting TokenPulse (application.id={}, bootstrap={}, registry={}, guarantee={}, threads={}); topics {}",
                config.applicationId(), config.bootstrapServers(), topics.registry().describe(),
                config.processingGuarantee(), config.numThreads(), topics);
        AppTopics.Partitions partitions = AppTopics.ensure(config, topics);
        topology.sources().expect(partitions.tokens(), partitions.deployments(), partitions.policies());
        LocalStateOwner owner = new LocalStateOwner(config.stateDir().resolve(config.applicationId()));
        if (owner.foreign(partitions.clusterId())) {
            log.warn("The local state in {} was built from Kafka cluster {}, not from this one ({}): wiping it, so that it is"
                    + " restored from this cluster's changelogs", config.stateDir().resolve(config.applicationId()),
                    owner.recorded().orElse("?"), partitions.clusterId());
            streams.cleanUp();
        }
        owner.record(partitions.clusterId());
        streams.start();
        if (dashboard != null) {
            dashboard.start();
        }
        return this;
    }

    /**
     * Blocks until the app is RUNNING (every task assigned and restored). Throws {@link IllegalStateException}
     * when it stopped or failed first, {@link TimeoutException} when {@code timeout} passed.
     */
    public void awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Completes on the first RUNNING; fails if the app stops or fails before. */
    public CompletableFuture<Void> running() {
        return running.copy();
    }

    /** Completes with NOT_RUNNING or ERROR once the app stopped, whatever stopped it. */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped.copy();
    }

    /** Closes within the configured {@code shutdown.timeout}. */
    @Override
    public void close() {
        close(config.shutdownTimeout());
    }

    /**
     * Closes streams (committing and flushing state) then the owned registry client; false if the timeout passed
     * first. Later calls (the CLI's shutdown hook after a try-with-resources, say) return the first call's result.
     */
    public synchronized boolean close(Duration timeout) {
        if (closed != null) {
            return closed;
        }
        log.info("Stopping TokenPulse (application.id={}, timeout {})", config.applicationId(), timeout);
        // The HTTP server first: no query should meet stores that are closing under it.
        if (query != null) {
            dashboard.close();
            query.close();
            queryMetrics.close();
        }
        // Leave the group: Kafka Streams otherwise stays a member until its session times out (45 s), and an
        // instance started right after (a restart, 'run' after 'demo') would wait for that before getting any task.
        // A static member (streams.group.instance.id) stays instead: its restart within session.timeout.ms takes
        // its tasks back without a rebalance, which is the point of a rolling restart with static membership.
        boolean clean = streams.close(CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(staticMember(config) ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                        : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (!clean) {
            log.warn("TokenPulse did not stop within {}; some threads may still be closing", timeout);
        }
        if (ownedRegistry != null) {
            ownedRegistry.close();
        }
        closed = clean;
        return clean;
    }

    /** Whether this instance has a fixed identity in the consumer group (static membership, KIP-345). */
    static boolean staticMember(AppConfig config) {
        String id = config.streams().get("group.instance.id");
        return id != null && !id.isBlank();
    }

    /** For interactive queries and metrics; do not start or close it directly. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Where this instance's query API answers, e.g. {@code http://127.0.0.1:8088}; empty when it is off. */
    public Optional<String> queryUrl() {
        return Optional.ofNullable(query).map(QueryServer::url);
    }

    /** The web dashboard, to scope tenants per credential (empty when the query API is off). */
    public Optional<Dashboard> dashboard() {
        return Optional.ofNullable(dashboard);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public AppConfig config() {
        return config;
    }

    public Topics topics() {
        return topics;
    }

    /** Dead letters written since start, by stage and source topic. */
    public DeadLetterCounter deadLetters() {
        return topology.deadLetters();
    }

    private void onStateChange(KafkaStreams.State now, KafkaStreams.State before) {
        log.info("TokenPulse state {} -> {}", before, now);
        readiness.onState(now);
        if (now == KafkaStreams.State.RUNNING && !running.isDone()) {
            log.info("TokenPulse is RUNNING (application.id={}, bootstrap={})", config.applicationId(), config.bootstrapServers());
            running.complete(null);
        }
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
            running.completeExceptionally(new IllegalStateException(
                    "TokenPulse stopped (" + now + ") before it was running; see the errors above"));
            stopped.complete(now);
        }
    }

    private StreamThreadExceptionResponse onUncaught(Throwable error) {
        if (isTransient(error) && replacements.tryAcquire()) {
            log.warn("A stream thread died of a transient error; replacing it", error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        if (hasCause(error, MissingSourceTopicException.class)) {
            log.error("Input topics are missing ({}): create the contract topics before starting TokenPulse; stopping",
                    error.getMessage());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.error("A stream thread died of an error that a restart will not fix; stopping TokenPulse", error);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Broker or network trouble that a new thread may well not meet again. */
    static boolean isTransient(Throwable error) {
        return hasCause(error, RetriableException.class);
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Bounds thread replacement so a "transient" error that keeps coming back ends the app instead of looping. */
    static final class ThreadReplacements {
        private final int max;
        private final long windowNanos;
        private final java.util.ArrayDeque<Long> times = new java.util.ArrayDeque<>();

        ThreadReplacements(int max, Duration window) {
            this.max = max;
            this.windowNanos = window.toNanos();
        }

        synchronized boolean tryAcquire() {
            long now = System.nanoTime();
            while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
                times.pollFirst();
            }
            if (times.size() >= max) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }
}
