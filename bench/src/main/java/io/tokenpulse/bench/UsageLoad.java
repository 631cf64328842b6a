package io.tokenpulse.bench;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.schemas.TopicDef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The benchmarks' input: {@code tokens} issued tokens, then {@code uses} ALLOWED uses spread over one day of event
 * time, each of a token drawn at random (seed 7), published through the SDK as a producer would.
 */
final class UsageLoad {
    private UsageLoad() {
    }

    /**
     * What was published: the seconds it took (not part of any measured rate), the event time of the first use and,
     * per usage partition, that of its last use (partitions differ by seconds: each holds a random share of the tokens).
     */
    record Loaded(double seconds, long firstEventMs, Map<Integer, Long> lastEventMsByPartition) {
    }

    static Loaded publish(Properties client, SchemaRegistryClient registry, Map<TopicDef, String> names, int tokens, int uses) {
        long loadStart = System.nanoTime();
        Instant t0 = Instant.now().minus(Duration.ofDays(2));
        Random random = new Random(7);
        long firstUse = t0.toEpochMilli() + Duration.ofHours(1).toMillis();
        Map<Integer, Long> lastByPartition = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        // A load generator: no send is waited on (flush() waits for them all); a failed one fails the load below.
        try (TokenPulsePublisher publisher = TokenPulsePublisher.create(client, registry, names)) {
            for (int i = 0; i < tokens; i++) {
                var unused = publisher.lifecycle(TokenLifecycleEvent.newBuilder().setEventId("l" + i).setTokenId("tok-" + i).setTenant("bench")
                        .setType(LifecycleType.ISSUED).setOccurredAt(t0).setPrincipal("svc-" + (i % 50)).setServiceVersion("1.0")
                        .setScopes(List.of("repo:read", "repo:write")).setExpiresAt(t0.plus(Duration.ofDays(60)))
                        .setIssuer("internal").build())
                        .whenComplete((metadata, error) -> {
                            if (error != null) {
                                failed.compareAndSet(null, error);
                            }
                        });
            }
            long span = Duration.ofDays(1).toMillis();
            for (int i = 0; i < uses; i++) {
                int tok = random.nextInt(tokens);
                long at = firstUse + (long) i * span / uses;
                // The callback runs on the producer's I/O thread once the broker has the record.
                var unused = publisher.usage(TokenUsageEvent.newBuilder().setEventId("u" + i).setTokenId("tok-" + tok).setTenant("bench")
                        .setOccurredAt(Instant.ofEpochMilli(at))
                        .setPrincipal("svc-" + (tok % 50)).setServiceVersion("1.0").setScope(random.nextInt(10) == 0 ? "repo:write" : "repo:read")
                        .setOutcome(UsageOutcome.ALLOWED).setSourceIp("10.0." + (tok % 4) + "." + random.nextInt(255))
                        .setUserAgent("svc/1.0").setCount(1).build())
                        .whenComplete((metadata, error) -> {
                            if (error != null) {
                                failed.compareAndSet(null, error);
                            } else {
                                lastByPartition.merge(metadata.partition(), at, Math::max);
                            }
                        });
                if ((i + 1) % 250_000 == 0) {
                    System.err.printf("... %,d usage events produced%n", i + 1);
                }
            }
            publisher.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("the bench input was not published whole", failed.get());
        }
        return new Loaded((System.nanoTime() - loadStart) / 1e9, firstUse, Map.copyOf(lastByPartition));
    }
}
