package io.tokenpulse.app.ingest;

import static io.tokenpulse.app.Pipeline.NOW;
import static io.tokenpulse.app.Pipeline.lifecycle;
import static io.tokenpulse.app.Pipeline.usage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTest {
    @TempDir
    Path stateDir;

    @Test
    void invalidLifecycleEventGoesToTheDlqWithItsOriginalBytesAndTheReason() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // Given a lifecycle event without a tenant and with a blank eventId
            TokenLifecycleEvent bad = lifecycle(" ", "tok-1", LifecycleType.ISSUED, NOW).setTenant("").build();
            byte[] key = p.keyBytes(p.topics.lifecycle(), "tok-1");
            byte[] value = p.valueBytes(p.topics.lifecycle(), bad);

            // When it is published
            p.sendRaw(p.topics.lifecycle().name(), key, value);

            // Then it is a dead letter carrying the very bytes that were published
            List<TestRecord<byte[], byte[]>> letters = p.deadLetters();
            assertEquals(1, letters.size());
            TestRecord<byte[], byte[]> letter = letters.get(0);
            assertArrayEquals(key, letter.key());
            assertArrayEquals(value, letter.value());
            String reason = header(letter, DeadLetters.REASON);
            assertTrue(reason.contains("eventId is missing or blank"), reason);
            assertTrue(reason.contains("tenant is missing or blank"), reason);
            assertEquals("VALIDATION", header(letter, DeadLetters.STAGE));
            assertEquals(InvalidRecordException.class.getName(), header(letter, DeadLetters.EXCEPTION));
            assertEquals(p.topics.lifecycle().name(), header(letter, DeadLetters.TOPIC));
            assertEquals("0", header(letter, DeadLetters.PARTITION));
            assertEquals("0", header(letter, DeadLetters.OFFSET));
            // and it changed no state
            assertTrue(p.tokenState("tok-1").isEmpty());
            assertEquals(1, p.deadLetterCounter().count(DeadLetters.Stage.VALIDATION));
        }
    }

    @Test
    void eachValidationRuleHasItsReason() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // Given one record breaking each rule
            p.send(p.topics.usage(), "tok-1", usage("u1", "tok-1", NOW).setCount(0).build());
            p.send(p.topics.usage(), "tok-1", usage("u2", "tok-1", NOW.plus(Duration.ofDays(2))).build());
            p.send(p.topics.usage(), "tok-other", usage("u3", "tok-1", NOW).build());
            p.send(p.topics.lifecycle(), "", lifecycle("e1", "", LifecycleType.ISSUED, NOW).build());
            p.send(p.topics.lifecycle(), "tok-1", null);
            p.send(p.topics.deployments(), "checkout", ServiceDeploymentEvent.newBuilder().setEventId("d1").setTenant("acme")
                    .setService("checkout").setVersion(" ").setType(DeploymentType.RETIRED).setOccurredAt(NOW).build());

            // Then each is a dead letter saying what is wrong
            List<String> reasons = p.deadLetters().stream().map(r -> header(r, DeadLetters.REASON)).toList();
            assertEquals(6, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).contains("count is 0, must be at least 1"), reasons.get(0));
            assertTrue(reasons.get(1).contains("ahead of the wall clock"), reasons.get(1));
            assertTrue(reasons.get(2).contains("the key 'tok-other' differs from tokenId 'tok-1'"), reasons.get(2));
            assertTrue(reasons.get(3).contains("tokenId is missing or blank"), reasons.get(3));
            assertTrue(reasons.get(4).contains("tombstone"), reasons.get(4));
            assertTrue(reasons.get(5).startsWith("Invalid ServiceDeploymentEvent: version is missing or blank"), reasons.get(5));
            assertEquals(6, p.deadLetterCounter().total());
        }
    }

    /**
     * Runs at_least_once: under exactly_once_v2, TopologyTestDriver (4.4.0) loses dead letters written while a
     * record is being deserialized (it clears its MockProducer, uncommitted sends included, before it commits).
     * A real broker keeps them in the open transaction; the broker-level IT covers that path under EOS.
     */
    @Test
    void undeserializableRecordsGoToTheDlqWhileTheGoodOnesAroundThemGoThrough() throws Exception {
        try (Pipeline p = new Pipeline(stateDir, java.util.Map.of("processing.guarantee", "at_least_once"))) {
            String topic = p.topics.lifecycle().name();
            byte[] key = p.keyBytes(p.topics.lifecycle(), "tok-2");
            byte[] corrupt = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
            byte[] unknownId = p.valueBytes(p.topics.lifecycle(), lifecycle("e2", "tok-2", LifecycleType.ISSUED, NOW).build());
            ByteBuffer.wrap(unknownId).putInt(1, 987_654);
            byte[] unknownSymbol = withUnknownEnumSymbol(p, topic);

            // Given a good record, three undeserializable ones, and another good one
            p.send(p.topics.lifecycle(), "tok-1", lifecycle("e1", "tok-1", LifecycleType.ISSUED, NOW).build());
            p.sendRaw(topic, key, corrupt);
            p.sendRaw(topic, key, unknownId);
            p.sendRaw(topic, key, unknownSymbol);
            p.send(p.topics.lifecycle(), "tok-3", lifecycle("e3", "tok-3", LifecycleType.ISSUED, NOW).build());

            // Then the good ones made state
            assertTrue(p.tokenState("tok-1").isPresent());
            assertTrue(p.tokenState("tok-3").isPresent());
            assertTrue(p.tokenState("tok-2").isEmpty());

            // and the bad ones are dead letters with their bytes, coordinates and reasons
            List<TestRecord<byte[], byte[]>> letters = p.deadLetters();
            assertEquals(3, letters.size());
            assertArrayEquals(corrupt, letters.get(0).value());
            assertArrayEquals(unknownId, letters.get(1).value());
            assertArrayEquals(unknownSymbol, letters.get(2).value());
            for (int i = 0; i < 3; i++) {
                TestRecord<byte[], byte[]> letter = letters.get(i);
                assertArrayEquals(key, letter.key());
                assertEquals("DESERIALIZATION", header(letter, DeadLetters.STAGE));
                assertEquals(topic, header(letter, DeadLetters.TOPIC));
                assertEquals(Integer.toString(i + 1), header(letter, DeadLetters.OFFSET));
                assertTrue(header(letter, DeadLetters.REASON).startsWith("Record could not be deserialized: "));
                assertFalse(header(letter, DeadLetters.EXCEPTION).isBlank());
            }
            assertTrue(header(letters.get(1), DeadLetters.REASON).contains("987654"), header(letters.get(1), DeadLetters.REASON));
            assertEquals(3, p.deadLetterCounter().count(DeadLetters.Stage.DESERIALIZATION));
        }
    }

    @Test
    void aReplayedDeadLetterCarriesOnlyItsLatestError() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // Given a record that was a dead letter before, replayed with its old headers, and still bad
            byte[] value = p.valueBytes(p.topics.usage(), usage("u1", "tok-1", NOW).setCount(-3).build());
            var input = p.driver.createInputTopic(p.topics.usage().name(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders()
                    .add(DeadLetters.REASON, "old".getBytes(StandardCharsets.UTF_8))
                    .add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
            input.pipeInput(new TestRecord<>(p.keyBytes(p.topics.usage(), "tok-1"), value, headers));

            // Then it has one reason, the new one, and keeps its other headers
            TestRecord<byte[], byte[]> letter = p.deadLetters().get(0);
            List<Header> reasons = List.of(letter.headers().headers(DeadLetters.REASON).iterator().next());
            assertEquals(1, count(letter.headers().headers(DeadLetters.REASON)));
            assertTrue(new String(reasons.get(0).value(), StandardCharsets.UTF_8).contains("count is -3"));
            assertEquals("00-abc", header(letter, "traceparent"));
        }
    }

    @Test
    void aPolicyTombstoneIsNotADeadLetter() {
        try (Pipeline p = new Pipeline(stateDir)) {
            p.send(p.topics.policies(), "acme", null);
            assertTrue(p.deadLetters().isEmpty());
            assertNull(p.tokenState("acme").orElse(null));
        }
    }

    /** A value written with a newer writer schema whose enum has a symbol this reader does not know. */
    private static byte[] withUnknownEnumSymbol(Pipeline p, String topic) throws Exception {
        String newer = TokenLifecycleEvent.getClassSchema().toString()
                .replace("\"COMPROMISED\"]", "\"COMPROMISED\",\"SUSPENDED\"]");
        Schema writer = new Schema.Parser().parse(newer);
        int id = p.registry.register(topic + "-value", writer);
        GenericRecord r = new GenericData.Record(writer);
        r.put("eventId", "e9");
        r.put("tokenId", "tok-2");
        r.put("tenant", "acme");
        r.put("type", new GenericData.EnumSymbol(writer.getField("type").schema(), "SUSPENDED"));
        r.put("occurredAt", NOW.toEpochMilli());
        r.put("issuer", "vault");
        r.put("scopes", List.of());
        r.put("attributes", java.util.Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int count(Iterable<Header> headers) {
        int n = 0;
        for (Header ignored : headers) {
            n++;
        }
        return n;
    }

}
