package io.tokenpulse.producers.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.adapters.CanonicalEvent;
import io.tokenpulse.schemas.TopicDef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class TokenPulsePublisherTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T09:00:00.123456Z"), ZoneOffset.UTC);

    @Test
    void typedMethodsRouteAndKeyEveryKind() throws Exception {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        try (TokenPulsePublisher publisher = new TokenPulsePublisher(mock, Map.of(TopicDef.USAGE, "acme-usage"))) {
            publisher.usage(UsageEvents.builder(CLOCK).setTokenId("tok-1").setTenant("acme").setScope("s")
                    .setOutcome(UsageOutcome.ALLOWED).build()).get();
            publisher.lifecycle(LifecycleEvents.builder(CLOCK).setTokenId("tok-2").setTenant("acme").setType(LifecycleType.ISSUED)
                    .setIssuer("vault").build()).get();
            publisher.deployment(DeploymentEvents.builder(CLOCK).setTenant("acme").setService("billing").setVersion("1.2")
                    .setType(DeploymentType.DEPLOYED).build()).get();
            publisher.policy(TokenPolicy.newBuilder().setTenant("acme").build()).get();

            List<ProducerRecord<String, SpecificRecord>> sent = mock.history();
            assertEquals(List.of("acme-usage", "token-lifecycle", "service-deployments", "token-policies"),
                    sent.stream().map(ProducerRecord::topic).toList());
            assertEquals(List.of("tok-1", "tok-2", "acme/billing@1.2", "acme"), sent.stream().map(ProducerRecord::key).toList());
            // Event time travels in the payload; the record timestamp is left to the producer.
            sent.forEach(r -> assertEquals(null, r.timestamp()));
        }
    }

    @Test
    void buildersFillEventIdTimeAndCount() {
        var u = UsageEvents.builder(CLOCK).setTokenId("t").setTenant("x").setScope("s").setOutcome(UsageOutcome.ALLOWED).build();
        assertEquals(Instant.parse("2026-01-02T09:00:00.123Z"), u.getOccurredAt());
        assertEquals(1, u.getCount());
        assertEquals(36, u.getEventId().length());
        assertFalse(u.getEventId().equals(UsageEvents.builder(CLOCK).getEventId()));
    }

    @Test
    void publishUsesTheCanonicalTopicAndKey() throws Exception {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        TokenPulsePublisher publisher = new TokenPulsePublisher(mock, Map.of());
        var d = DeploymentEvents.builder(CLOCK).setTenant("a").setService("s").setVersion("2").setType(DeploymentType.RETIRED).build();
        RecordMetadata m = publisher.publish(new CanonicalEvent(TopicDef.DEPLOYMENTS, "a/s@2", d)).get();
        assertEquals("service-deployments", m.topic());
        assertEquals("a/s@2", mock.history().get(0).key());
    }

    @Test
    void secretShapedIdsAreRefusedBeforeSending() {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        TokenPulsePublisher publisher = new TokenPulsePublisher(mock, Map.of());
        String pat = "ghp_" + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4";
        var usage = UsageEvents.builder(CLOCK).setTokenId(pat).setTenant("x").setScope("s").setOutcome(UsageOutcome.ALLOWED).build();
        SecretRejectedException e = assertThrows(SecretRejectedException.class, () -> publisher.usage(usage));
        assertFalse(e.getMessage().contains(pat.substring(4, 10)));

        var rotated = LifecycleEvents.builder(CLOCK).setTokenId("tok-new").setTenant("x").setType(LifecycleType.ROTATED)
                .setIssuer("slack").setReplacesTokenId("xoxb-" + "1234567890-abcdef").build();
        assertThrows(SecretRejectedException.class, () -> publisher.lifecycle(rotated));
        assertThrows(SecretRejectedException.class, () -> publisher.publish(new CanonicalEvent(TopicDef.LIFECYCLE, "tok-new", rotated)));
        assertTrue(mock.history().isEmpty());
    }

    @Test
    void brokerAndSendFailuresFailTheFuture() {
        TokenPulsePublisher failing = new TokenPulsePublisher(TestProducers.failingFor(Set.of("tok-1")), Map.of());
        var usage = UsageEvents.builder(CLOCK).setTokenId("tok-1").setTenant("x").setScope("s").setOutcome(UsageOutcome.ALLOWED).build();
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.usage(usage).get());
        assertInstanceOf(TimeoutException.class, e.getCause());

        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        mock.sendException = new KafkaException("registry unreachable");
        CompletableFuture<RecordMetadata> f = new TokenPulsePublisher(mock, Map.of()).usage(usage);
        assertTrue(f.isCompletedExceptionally());
    }

    @Test
    void theFutureCompletesOnlyWhenTheBrokerAcknowledges() throws Exception {
        MockProducer<String, SpecificRecord> mock = TestProducers.pending();
        TokenPulsePublisher publisher = new TokenPulsePublisher(mock, Map.of());
        var usage = UsageEvents.builder(CLOCK).setTokenId("tok-1").setTenant("x").setScope("s").setOutcome(UsageOutcome.ALLOWED).build();

        CompletableFuture<RecordMetadata> first = publisher.usage(usage);
        CompletableFuture<RecordMetadata> second = publisher.usage(usage);
        assertFalse(first.isDone(), "sent, not yet acknowledged");
        assertEquals(2, mock.history().size());

        assertTrue(mock.completeNext());
        assertEquals("token-usage", first.getNow(null).topic());
        assertFalse(second.isDone());

        assertTrue(mock.errorNext(new TimeoutException("Expiring 1 record(s)")));
        ExecutionException e = assertThrows(ExecutionException.class, second::get);
        assertInstanceOf(TimeoutException.class, e.getCause());
    }

    @Test
    void publishChecksTheTokenIdInsideAHandBuiltEventNotOnlyItsKey() {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        TokenPulsePublisher publisher = new TokenPulsePublisher(mock, Map.of());
        String pat = "ghp_" + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4";
        var usage = UsageEvents.builder(CLOCK).setTokenId(pat).setTenant("x").setScope("s").setOutcome(UsageOutcome.ALLOWED).build();
        var issued = LifecycleEvents.builder(CLOCK).setTokenId(pat).setTenant("x").setType(LifecycleType.ISSUED).setIssuer("github").build();

        // The key is harmless, but the value would carry the secret into the topic.
        SecretRejectedException e = assertThrows(SecretRejectedException.class,
                () -> publisher.publish(new CanonicalEvent(TopicDef.USAGE, "tok-1", usage)));
        assertEquals("tokenId", e.field());
        assertFalse(e.getMessage().contains(pat.substring(4, 10)), e.getMessage());
        assertThrows(SecretRejectedException.class, () -> publisher.publish(new CanonicalEvent(TopicDef.LIFECYCLE, "tok-1", issued)));
        assertTrue(mock.history().isEmpty());
    }

    @Test
    void aSecretShapedKeyIsRefusedOnTheTokenTopics() {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        TokenPulsePublisher publisher = new TokenPulsePublisher(mock, Map.of());
        String slack = "xoxb-" + "2462781-9823745-Zx8Qw3Er6Ty9Ui";
        var usage = UsageEvents.builder(CLOCK).setTokenId("tok-1").setTenant("x").setScope("s").setOutcome(UsageOutcome.ALLOWED).build();

        SecretRejectedException e = assertThrows(SecretRejectedException.class,
                () -> publisher.publish(new CanonicalEvent(TopicDef.USAGE, slack, usage)));
        assertEquals("key", e.field());
        assertFalse(e.getMessage().contains("2462781"), e.getMessage());
        assertTrue(mock.history().isEmpty());
    }

    @Test
    void defaultsAreSafe() {
        var d = TokenPulsePublisher.defaults();
        assertEquals("true", d.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", d.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("zstd", d.get(ProducerConfig.COMPRESSION_TYPE_CONFIG));
        assertEquals("20", d.get(ProducerConfig.LINGER_MS_CONFIG));
        assertEquals("65536", d.get(ProducerConfig.BATCH_SIZE_CONFIG));
    }
}
