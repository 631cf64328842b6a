package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every way a record can fail to (de)serialize is a SerializationException that says why and where. */
class SerdeErrorsTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final SpecificAvroSerde<TokenUsageEvent> serde = new SpecificAvroSerde<>(TokenUsageEvent.class, registry);

    @Test
    void aWrongMagicByteIsRejected() {
        byte[] bytes = serde.serializer().serialize("token-usage", Samples.usage());
        bytes[0] = 1;

        assertFails(() -> serde.deserializer().deserialize("token-usage", bytes), "token-usage", "starts with byte 1", "magic byte 0");
    }

    @Test
    void aPlainStringIsNotMistakenForAFramedRecord() {
        byte[] json = "{\"tokenId\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertFails(() -> serde.deserializer().deserialize("token-usage", json), "starts with byte 123");
    }

    @Test
    void aRecordShorterThanTheHeaderIsRejected() {
        assertFails(() -> serde.deserializer().deserialize("token-usage", new byte[] {0, 0, 1}), "token-usage", "3 bytes", "too short");
    }

    @Test
    void anUnknownSchemaIdIsNamedWithTopicAndRegistry() {
        byte[] bytes = ByteBuffer.allocate(6).put((byte) 0).putInt(9999).put((byte) 0).array();

        assertFails(() -> serde.deserializer().deserialize("token-usage", bytes),
                "unknown schema id 9999 in record of topic token-usage (registry mock://anonymous)");
    }

    @Test
    void aTruncatedPayloadIsCorrupt() {
        byte[] bytes = serde.serializer().serialize("token-usage", Samples.usage());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 10);

        assertFails(() -> serde.deserializer().deserialize("token-usage", truncated), "TokenUsageEvent", "token-usage", "corrupt payload");
    }

    @Test
    void garbageAfterTheHeaderIsCorrupt() {
        byte[] bytes = serde.serializer().serialize("token-usage", Samples.usage());
        Arrays.fill(bytes, 5, bytes.length, (byte) 0xff);

        assertFails(() -> serde.deserializer().deserialize("token-usage", bytes), "corrupt payload");
    }

    @Test
    void aWriterSchemaThatCannotBeResolvedIsNamed() {
        // Same record name, but tokenId became an int: no reader of TokenUsageEvent can read it.
        Schema clash = new Schema.Parser().parse("""
                {"type":"record","name":"TokenUsageEvent","namespace":"io.tokenpulse.avro",
                 "fields":[{"name":"tokenId","type":"int"}]}""");
        GenericRecord record = new GenericData.Record(clash);
        record.put("tokenId", 7);
        byte[] bytes = new AvroWriter<GenericRecord>(registry, true, false, clash, false).write("token-usage", record);

        assertFails(() -> serde.deserializer().deserialize("token-usage", bytes),
                "writer schema id 1", "token-usage", "cannot be resolved to reader schema io.tokenpulse.avro.TokenUsageEvent");
    }

    @Test
    void readingAnotherRecordTypeIsAResolutionFailure() {
        byte[] lifecycle = new SpecificAvroSerializer<>(TokenLifecycleEvent.class, registry).serialize("token-lifecycle", Samples.lifecycle());

        assertFails(() -> serde.deserializer().deserialize("token-lifecycle", lifecycle),
                "io.tokenpulse.avro.TokenLifecycleEvent", "cannot be resolved to reader schema io.tokenpulse.avro.TokenUsageEvent");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsNamingTheSubject() {
        var serializer = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry, false, false);

        assertFails(() -> serializer.serialize("token-usage", Samples.usage()),
                "cannot find schema io.tokenpulse.avro.TokenUsageEvent under subject 'token-usage-value' at mock://anonymous");
    }

    @Test
    void anIncompleteRecordCannotBeWritten() {
        TokenUsageEvent incomplete = Samples.usage();
        incomplete.setTokenId(null);

        assertFails(() -> serde.serializer().serialize("token-usage", incomplete), "cannot write a io.tokenpulse.avro.TokenUsageEvent to topic token-usage");
    }

    @Test
    void misconfigurationSaysWhatIsMissing() {
        var unconfigured = new SpecificAvroDeserializer<TokenUsageEvent>();
        IllegalStateException notConfigured = assertThrows(IllegalStateException.class,
                () -> unconfigured.deserialize("token-usage", new byte[] {0, 0, 0, 0, 1}));
        assertTrue(notConfigured.getMessage().contains("not configured"));

        IllegalArgumentException noType = assertThrows(IllegalArgumentException.class,
                () -> new SpecificAvroDeserializer<TokenUsageEvent>().configure(Map.of(SerdeConfig.REGISTRY_URL, "mock://x"), false));
        assertTrue(noType.getMessage().contains(SerdeConfig.VALUE_TYPE));

        IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class,
                () -> new SpecificAvroSerializer<TokenUsageEvent>().configure(Map.of(SerdeConfig.VALUE_TYPE, TokenUsageEvent.class), false));
        assertTrue(noUrl.getMessage().contains("schema.registry.url"));

        IllegalArgumentException badClass = assertThrows(IllegalArgumentException.class, () -> new SpecificAvroSerializer<TokenUsageEvent>()
                .configure(Map.of(SerdeConfig.REGISTRY_URL, "mock://x", SerdeConfig.VALUE_TYPE, "io.tokenpulse.avro.Nope"), false));
        assertTrue(badClass.getMessage().contains("io.tokenpulse.avro.Nope"));
    }

    private static void assertFails(Executable call, String... fragments) {
        SerializationException e = assertThrows(SerializationException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' missing from: " + e.getMessage());
        }
        assertEquals(SerializationException.class, e.getClass());
    }
}
