package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {
    private static final String SCOPE = "serde-test";
    private final InMemorySchemaRegistryClient registry = InMemorySchemaRegistryClient.forScope(SCOPE);

    @AfterEach
    void forgetRegistry() {
        InMemorySchemaRegistryClient.dropScope(SCOPE);
    }

    @Test
    void usageEventsRoundTripWithTheWireFormatHeader() {
        Serde<TokenUsageEvent> serde = AvroSerdes.value(TokenUsageEvent.class, registry);

        byte[] bytes = serde.serializer().serialize("token-usage", Samples.usage());

        int id = registry.lookup("token-usage-value", TokenUsageEvent.getClassSchema());
        assertEquals(WireFormat.MAGIC, bytes[0]);
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt(), "schema id, big-endian, in bytes 1-4");
        assertEquals(Samples.usage(), serde.deserializer().deserialize("token-usage", bytes));
    }

    @Test
    void lifecycleEventsKeepTimestampsNullsListsAndMaps() {
        Serde<TokenLifecycleEvent> serde = AvroSerdes.value(TokenLifecycleEvent.class, registry);
        TokenLifecycleEvent event = Samples.lifecycle();

        TokenLifecycleEvent read = serde.deserializer().deserialize("token-lifecycle", serde.serializer().serialize("token-lifecycle", event));

        assertEquals(event, read);
        assertEquals(event.getExpiresAt(), read.getExpiresAt());
        assertNull(read.getExposedAt());
        assertEquals(List.of("repo:read", "repo:write"), read.getScopes());
        assertEquals(Map.of("ticket", "SEC-42"), read.getAttributes());
    }

    @Test
    void tombstonesStayNull() {
        Serde<TokenUsageEvent> serde = AvroSerdes.value(TokenUsageEvent.class, registry);

        assertNull(serde.serializer().serialize("token-usage", null));
        assertNull(serde.deserializer().deserialize("token-usage", null));
        assertNull(serde.deserializer().deserialize("token-usage", new byte[0]));
        assertTrue(registry.subjects().isEmpty(), "a tombstone registers nothing");
    }

    @Test
    void stringKeysUseTheKeySubjectAndTheAvroStringSchema() {
        Serde<String> keys = AvroSerdes.key(registry);

        byte[] bytes = keys.serializer().serialize("token-usage", "AKIAIOSFODNN7EXAMPLE");

        assertEquals(List.of("token-usage-key"), registry.subjects());
        assertEquals(Schema.create(Schema.Type.STRING), registry.getById(ByteBuffer.wrap(bytes, 1, 4).getInt()));
        // Avro string: zig-zag varint length (20 -> 40 = 0x28) then UTF-8.
        assertEquals(0x28, bytes[5]);
        assertEquals("AKIAIOSFODNN7EXAMPLE", keys.deserializer().deserialize("token-usage", bytes));
        assertNull(keys.deserializer().deserialize("token-usage", null));
    }

    @Test
    void theSameSchemaHasTheSameIdUnderEverySubject() {
        Serde<TokenUsageEvent> serde = AvroSerdes.value(TokenUsageEvent.class, registry);

        byte[] a = serde.serializer().serialize("token-usage", Samples.usage());
        byte[] b = serde.serializer().serialize("token-usage-replay", Samples.usage());

        assertArrayEquals(a, b);
        assertEquals(List.of("token-usage-replay-value", "token-usage-value"), registry.subjects());
    }

    @Test
    void configuredFromPropertiesLikeKafkaStreamsDoes() {
        Map<String, Object> props = new HashMap<>(AvroSerdes.config("mock://" + SCOPE));
        props.put(SerdeConfig.VALUE_TYPE, TokenUsageEvent.class.getName());
        SpecificAvroSerde<TokenUsageEvent> serde = new SpecificAvroSerde<>();
        serde.configure(props, false);
        AvroStringSerde keys = new AvroStringSerde();
        keys.configure(props, true);

        byte[] value = serde.serializer().serialize("token-usage", Samples.usage());
        keys.serializer().serialize("token-usage", "k");

        assertEquals(List.of("token-usage-key", "token-usage-value"), registry.subjects(), "the mock:// scope is the shared registry");
        assertEquals(Samples.usage(), AvroSerdes.value(TokenUsageEvent.class, registry).deserializer().deserialize("token-usage", value));
    }

    @Test
    void keyTypeIsReadFromTheKeyProperty() {
        SpecificAvroDeserializer<TokenUsageEvent> deserializer = new SpecificAvroDeserializer<>();
        deserializer.configure(Map.of(SerdeConfig.REGISTRY_URL, "mock://" + SCOPE, SerdeConfig.KEY_TYPE, TokenUsageEvent.class), true);
        SpecificAvroSerializer<TokenUsageEvent> serializer = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry, true, true);

        byte[] bytes = serializer.serialize("odd-topic", Samples.usage());

        assertEquals(List.of("odd-topic-key"), registry.subjects());
        assertEquals(Samples.usage(), deserializer.deserialize("odd-topic", bytes));
    }

    @Test
    void anOlderWriterSchemaIsResolvedWithReaderDefaults() {
        // TokenUsageEvent as a producer may still have it: without `count`, which the reader defaults to 1.
        Schema full = TokenUsageEvent.getClassSchema();
        Schema old = Schema.createRecord(full.getName(), null, full.getNamespace(), false, full.getFields().stream()
                .filter(f -> !f.name().equals("count"))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList());
        GenericRecord record = new GenericData.Record(old);
        TokenUsageEvent sample = Samples.usage();
        for (Schema.Field f : old.getFields()) {
            record.put(f.name(), sample.get(f.name()));
        }
        record.put("occurredAt", sample.getOccurredAt().toEpochMilli());
        record.put("outcome", new GenericData.EnumSymbol(full.getField("outcome").schema(), sample.getOutcome().name()));
        byte[] bytes = new AvroWriter<GenericRecord>(registry, true, false, old, false).write("token-usage", record);

        TokenUsageEvent read = AvroSerdes.value(TokenUsageEvent.class, registry).deserializer().deserialize("token-usage", bytes);

        assertEquals(1, read.getCount());
        assertEquals(sample.getOccurredAt(), read.getOccurredAt());
        assertEquals(sample.getOutcome(), read.getOutcome());
    }

    @Test
    void serdesShareTheScopedRegistryInstance() {
        assertSame(registry, InMemorySchemaRegistryClient.forScope(SCOPE));
    }
}
