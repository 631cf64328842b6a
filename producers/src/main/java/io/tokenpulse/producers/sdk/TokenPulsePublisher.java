package io.tokenpulse.producers.sdk;

import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.producers.adapters.CanonicalEvent;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroStringSerde;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes TokenPulse events from a service or gateway: one dependency, safe defaults.
 *
 * <ul>
 *   <li>Idempotent, {@code acks=all}: a retry never duplicates and an acknowledged event survives a broker loss.</li>
 *   <li>zstd compression and 20 ms linger: usage events are small and similar, batches compress well.</li>
 *   <li>Asynchronous: every call returns a future completed when the broker acknowledged (or failed).</li>
 *   <li>Back-pressure: sends are buffered in {@code buffer.memory} (32 MiB by default); when it is full, a
 *       publish call blocks for up to {@code max.block.ms} (10 s here) and then fails its future. Callers
 *       that must never block set {@code max.block.ms=0} and handle the failure.</li>
 *   <li>The secret guard refuses token ids shaped like raw secrets before anything is sent.</li>
 * </ul>
 * Any producer property may be overridden through the properties given to {@link #create}.
 */
public final class TokenPulsePublisher implements AutoCloseable {
    private final Producer<String, SpecificRecord> producer;
    // A broker may die mid-publish: with 3 replicas and min.insync.replicas 2 the leader moves within seconds and the
    // idempotent producer retries (up to delivery.timeout.ms) without duplicating.
    private final Map<TopicDef, String> topicNames;

    public TokenPulsePublisher(Producer<String, SpecificRecord> producer, Map<TopicDef, String> topicNames) {
        this.producer = producer;
        this.topicNames = new EnumMap<>(TopicDef.class);
        for (TopicDef t : TopicDef.values()) {
            this.topicNames.put(t, topicNames.getOrDefault(t, t.defaultName()));
        }
    }

    /** A publisher on a real producer; {@code overrides} win over the safe defaults. */
    public static TokenPulsePublisher create(Properties overrides, SchemaRegistryClient registry, Map<TopicDef, String> topicNames) {
        Properties p = defaults();
        p.putAll(overrides);
        KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(p,
                new AvroStringSerde(registry, true).serializer(), new RecordSerializer(registry));
        return new TokenPulsePublisher(producer, topicNames);
    }

    public static Properties defaults() {
        Properties p = new Properties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return p;
    }

    /**
     * Publishes an adapter's event under its topic and key. Token ids are checked by the secret guard here too:
     * an event built by hand must not bypass it.
     */
    public CompletableFuture<RecordMetadata> publish(CanonicalEvent event) {
        // The value's own tokenId, not only the key: a hand-built event may key a secret-bearing value harmlessly.
        if (event.value() instanceof TokenUsageEvent e) {
            SecretGuard.requirePublicId("tokenId", e.getTokenId());
        } else if (event.value() instanceof TokenLifecycleEvent e) {
            SecretGuard.requirePublicId("tokenId", e.getTokenId());
            SecretGuard.requirePublicId("replacesTokenId", e.getReplacesTokenId());
        }
        return send(event.topic(), event.key(), event.value());
    }

    public CompletableFuture<RecordMetadata> usage(TokenUsageEvent e) {
        SecretGuard.requirePublicId("tokenId", e.getTokenId());
        return send(TopicDef.USAGE, e.getTokenId(), e);
    }

    public CompletableFuture<RecordMetadata> lifecycle(TokenLifecycleEvent e) {
        SecretGuard.requirePublicId("tokenId", e.getTokenId());
        if (e.getReplacesTokenId() != null) {
            SecretGuard.requirePublicId("replacesTokenId", e.getReplacesTokenId());
        }
        return send(TopicDef.LIFECYCLE, e.getTokenId(), e);
    }

    public CompletableFuture<RecordMetadata> deployment(ServiceDeploymentEvent e) {
        return send(TopicDef.DEPLOYMENTS, CanonicalEvent.deploymentKey(e.getTenant(), e.getService(), e.getVersion()), e);
    }

    public CompletableFuture<RecordMetadata> policy(TokenPolicy p) {
        return send(TopicDef.POLICIES, p.getTenant(), p);
    }

    /**
     * The one place records leave: a failure of {@code send} itself (serialization, registry, closed producer) is
     * reported through the future like a broker error, so callers have a single failure path. The record
     * timestamp is left to the producer: event time travels in {@code occurredAt}, and the topics use
     * LogAppendTime anyway.
     */
    private CompletableFuture<RecordMetadata> send(TopicDef topic, String key, SpecificRecord value) {
        if (topic == TopicDef.USAGE || topic == TopicDef.LIFECYCLE) {
            SecretGuard.requirePublicId("key", key);
        }
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            // The callback completes done; the Future send returns would tell the same a second time.
            var unused = producer.send(new ProducerRecord<>(topicNames.get(topic), key, value), (metadata, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    public void flush() {
        producer.flush();
    }

    /**
     * What the producer did so far, from its own metrics: record sends (a retried record counts once per attempt),
     * sends retried (a broker died, a leader moved; idempotence keeps a retry from writing a record twice) and
     * records that failed for good.
     */
    public record DeliveryStats(long sends, long retried, long failed) {
        /** Records the brokers acknowledged: every send but the retried and the failed ones. */
        public long acknowledged() {
            return Math.max(0, sends - retried - failed);
        }

        public String describe() {
            return String.format("Producer: %,d records acknowledged, %,d retried sends, %,d failed"
                    + " (idempotent, acks=all: a retry never writes a record twice).", acknowledged(), retried, failed);
        }
    }

    public DeliveryStats deliveryStats() {
        return new DeliveryStats(metric("record-send-total"), metric("record-retry-total"), metric("record-error-total"));
    }

    private long metric(String name) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals("producer-metrics") && e.getKey().name().equals(name))
                .map(e -> e.getValue().metricValue())
                .filter(v -> v instanceof Number)
                .mapToLong(v -> (long) ((Number) v).doubleValue())
                .findFirst().orElse(0L);
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
