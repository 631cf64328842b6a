package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.PostureReport;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire-format serdes over every record of the contract, the string key serde, the properties path
 * ({@code schema.registry.url=mock://...}) with and without auto-registration, and the wire format itself.
 */
class SerdeTest {
    private static final String SCOPE = "serde-test-props";

    /** Every generated record: a new .avsc must be added here (see everyContractSchemaIsCovered). */
    static Stream<Class<? extends SpecificRecord>> records() {
        return Stream.of(TokenLifecycleEvent.class, TokenUsageEvent.class, ServiceDeploymentEvent.class, TokenPolicy.class,
                TokenAlert.class, RemediationAction.class, IncidentTimeline.class, PostureReport.class);
    }

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @AfterEach
    void forgetScope() {
        InMemorySchemaRegistryClient.dropScope(SCOPE);
    }

    // ---- round trips ----

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void everyRecordRoundTripsWithEveryFieldSet(Class<T> type) {
        T record = Filler.full(type);
        Serde<T> serde = AvroSerdes.value(type, registry);

        byte[] bytes = serde.serializer().serialize("topic", record);
        T read = serde.deserializer().deserialize("topic", bytes);

        assertEquals(record, read);
        for (Schema.Field f : record.getSchema().getFields()) {
            assertNotNull(read.get(f.pos()), () -> type.getSimpleName() + "." + f.name() + " was lost");
        }
        assertArrayEquals(bytes, serde.serializer().serialize("topic", read), "what is read writes back byte for byte");
        assertEquals(WireFormat.MAGIC, bytes[0]);
        assertEquals(registry.lookup("topic-value", record.getSchema()), ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void everyRecordRoundTripsWithOptionalFieldsNullAndCollectionsEmpty(Class<T> type) {
        T record = Filler.minimal(type);
        Serde<T> serde = AvroSerdes.value(type, registry);

        assertEquals(record, serde.deserializer().deserialize("topic", serde.serializer().serialize("topic", record)));
    }

    @Test
    void everyContractSchemaIsCovered() throws IOException {
        Set<String> covered = records().map(c -> SpecificData.get().getSchema(c).getName()).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
            Set<String> schemas = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc"))
                    .map(n -> n.substring(0, n.length() - ".avsc".length())).collect(Collectors.toSet());
            assertEquals(schemas, covered);
        }
    }

    @Test
    void timestampsKeepMillisecondsAndDatesFarFromNow() {
        Serde<TokenUsageEvent> serde = AvroSerdes.value(TokenUsageEvent.class, registry);
        for (Instant t : List.of(Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("2999-12-31T23:59:59.999Z"))) {
            TokenUsageEvent e = Samples.usage();
            e.setOccurredAt(t);
            assertEquals(t, serde.deserializer().deserialize("token-usage", serde.serializer().serialize("token-usage", e)).getOccurredAt());
        }
    }

    @Test
    void nonAsciiStringsRoundTrip() {
        Serde<String> keys = AvroSerdes.key(registry);
        for (String key : List.of("", "tök-ü", "租户/服务@1.0", "emoji-\uD83D\uDD11")) {
            assertEquals(key, keys.deserializer().deserialize("t", keys.serializer().serialize("t", key)));
        }
    }

    // ---- tombstones ----

    @Test
    void nullAndEmptyBytesAreTombstonesForValuesAndKeys() {
        Serde<TokenPolicy> policies = AvroSerdes.value(TokenPolicy.class, registry);
        Serde<String> keys = AvroSerdes.key(registry);

        assertNull(policies.deserializer().deserialize("token-policies", null));
        assertNull(policies.deserializer().deserialize("token-policies", new byte[0]));
        assertNull(keys.deserializer().deserialize("token-policies", new byte[0]));
        assertNull(keys.serializer().serialize("token-policies", null));
        assertTrue(registry.subjects().isEmpty(), "nothing registered for a tombstone");
    }

    // ---- errors of the string key serde ----

    @Test
    void theKeySerdeFailsLikeTheValueSerde() {
        Serde<String> keys = AvroSerdes.key(registry);
        byte[] good = keys.serializer().serialize("token-usage", "AKIAIOSFODNN7EXAMPLE");

        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 7;
        assertFails(() -> keys.deserializer().deserialize("token-usage", wrongMagic), "token-usage", "starts with byte 7", "magic byte 0");
        assertFails(() -> keys.deserializer().deserialize("token-usage", new byte[] {0, 0, 0, 1}), "token-usage", "4 bytes", "too short");
        byte[] unknownId = good.clone();
        ByteBuffer.wrap(unknownId).putInt(1, 4242);
        assertFails(() -> keys.deserializer().deserialize("token-usage", unknownId), "unknown schema id 4242", "token-usage");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertFails(() -> keys.deserializer().deserialize("token-usage", truncated), "corrupt payload", "token-usage");

        // A value framed under the key topic is a record, not a string.
        byte[] usage = AvroSerdes.value(TokenUsageEvent.class, registry).serializer().serialize("token-usage", Samples.usage());
        assertFails(() -> keys.deserializer().deserialize("token-usage", usage), "token-usage", "cannot be resolved to reader schema string");
    }

    @Test
    void anUnconfiguredKeySerdeSaysSo() {
        AvroStringSerde keys = new AvroStringSerde();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> keys.serializer().serialize("t", "k"));
        assertTrue(e.getMessage().contains("not configured"), e.getMessage());
    }

    // ---- caching through the Serde facades ----

    @Test
    void serdesRegisterOnceAndFetchOncePerWriterId() {
        CountingRegistry counting = new CountingRegistry(registry);
        Serde<TokenAlert> alerts = AvroSerdes.value(TokenAlert.class, counting);
        Serde<String> keys = AvroSerdes.key(counting);
        TokenAlert alert = Filler.full(TokenAlert.class);

        byte[] value = null;
        byte[] key = null;
        for (int i = 0; i < 50; i++) {
            value = alerts.serializer().serialize("token-alerts", alert);
            key = keys.serializer().serialize("token-alerts", "tok-" + i);
        }
        assertEquals(2, counting.registers.get(), "one per subject: token-alerts-value and token-alerts-key");

        CountingRegistry readerSide = new CountingRegistry(registry);
        Serde<TokenAlert> readAlerts = AvroSerdes.value(TokenAlert.class, readerSide);
        Serde<String> readKeys = AvroSerdes.key(readerSide);
        for (int i = 0; i < 50; i++) {
            assertEquals(alert, readAlerts.deserializer().deserialize("token-alerts", value));
            assertEquals("tok-49", readKeys.deserializer().deserialize("token-alerts", key));
        }
        assertEquals(2, readerSide.getByIds.get(), "one fetch per writer id and reader");
        assertEquals(0, readerSide.registers.get() + readerSide.lookups.get());
    }

    @Test
    void aReaderFetchesEachNewWriterIdOnce() {
        CountingRegistry counting = new CountingRegistry(registry);
        var deserializer = new SpecificAvroDeserializer<>(TokenUsageEvent.class, counting);
        byte[] current = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry).serialize("token-usage", Samples.usage());
        // A second version that differs only in a doc string: another writer id for the same binary encoding.
        String current0 = TokenUsageEvent.getClassSchema().toString();
        String v2 = current0.replace("\"name\":\"count\"", "\"name\":\"count\",\"doc\":\"v2\"");
        assertTrue(!v2.equals(current0), "the doc was added");
        int secondId = registry.register("token-usage-value", new Schema.Parser().parse(v2));
        byte[] second = current.clone();
        ByteBuffer.wrap(second).putInt(1, secondId);

        for (int i = 0; i < 10; i++) {
            deserializer.deserialize("token-usage", current);
            assertEquals(Samples.usage(), deserializer.deserialize("token-usage", second));
        }

        assertTrue(secondId != ByteBuffer.wrap(current, 1, 4).getInt());
        assertEquals(2, counting.getByIds.get());
    }

    // ---- configured from properties ----

    @Test
    void withoutAutoRegisterFromPropertiesTheSerializerOnlyLooksUp() {
        Map<String, Object> props = new HashMap<>();
        props.put(SerdeConfig.REGISTRY_URL, "mock://" + SCOPE);
        props.put(SerdeConfig.AUTO_REGISTER, "false");
        props.put(SerdeConfig.VALUE_TYPE, TokenPolicy.class.getName());
        SpecificAvroSerde<TokenPolicy> serde = new SpecificAvroSerde<>();
        serde.configure(props, false);
        TokenPolicy policy = Filler.full(TokenPolicy.class);
        InMemorySchemaRegistryClient shared = InMemorySchemaRegistryClient.forScope(SCOPE);

        assertFails(() -> serde.serializer().serialize("token-policies", policy),
                "cannot find schema io.tokenpulse.avro.TokenPolicy under subject 'token-policies-value' at mock://" + SCOPE);
        assertTrue(shared.subjects().isEmpty(), "a serializer that may not register did not");

        // The operator registers it; the next record finds it (the failure was not cached).
        int id = shared.register("token-policies-value", TokenPolicy.getClassSchema());
        byte[] bytes = serde.serializer().serialize("token-policies", policy);
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
        assertEquals(policy, serde.deserializer().deserialize("token-policies", bytes));
    }

    @Test
    void theKeySerdeHonoursAutoRegisterFalseToo() {
        AvroStringSerde keys = new AvroStringSerde();
        keys.configure(AvroSerdes.config("mock://" + SCOPE, false), true);

        assertFails(() -> keys.serializer().serialize("token-usage", "k"), "cannot find schema string under subject 'token-usage-key'");
        InMemorySchemaRegistryClient.forScope(SCOPE).register("token-usage-key", Schema.create(Schema.Type.STRING));
        assertEquals("k", keys.deserializer().deserialize("token-usage", keys.serializer().serialize("token-usage", "k")));
    }

    @Test
    void propertiesNameTheTypeByClassOrByNameAndTheRegistryByMockUrl() {
        Map<String, Object> byName = Map.of(SerdeConfig.REGISTRY_URL, "mock://" + SCOPE, SerdeConfig.VALUE_TYPE, TokenAlert.class.getName());
        Map<String, Object> byClass = Map.of(SerdeConfig.REGISTRY_URL, "mock://" + SCOPE, SerdeConfig.VALUE_TYPE, TokenAlert.class);
        SpecificAvroSerializer<TokenAlert> serializer = new SpecificAvroSerializer<>();
        serializer.configure(byName, false);
        SpecificAvroDeserializer<TokenAlert> deserializer = new SpecificAvroDeserializer<>();
        deserializer.configure(byClass, false);
        TokenAlert alert = Filler.full(TokenAlert.class);

        assertEquals(alert, deserializer.deserialize("token-alerts", serializer.serialize("token-alerts", alert)));
        assertEquals(List.of("token-alerts-value"), InMemorySchemaRegistryClient.forScope(SCOPE).subjects());
    }

    @Test
    void aSerdeConfiguredAsKeyUsesTheKeySubject() {
        SpecificAvroSerde<TokenPolicy> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(SerdeConfig.REGISTRY_URL, "mock://" + SCOPE, SerdeConfig.KEY_TYPE, TokenPolicy.class.getName()), true);

        serde.serializer().serialize("weird", Filler.minimal(TokenPolicy.class));

        assertEquals(List.of("weird-key"), InMemorySchemaRegistryClient.forScope(SCOPE).subjects());
    }

    @Test
    void garbledLengthsAreCorruptPayloadsNotHugeAllocations() throws IOException {
        int id = registry.register("token-lifecycle-value", TokenLifecycleEvent.getClassSchema());
        var deserializer = new SpecificAvroDeserializer<>(TokenLifecycleEvent.class, registry);
        for (long claimed : new long[] {Integer.MAX_VALUE - 100L, 1L << 40}) {
            // A few bytes that claim a scopes array (then, separately, a string) of billions of items.
            java.io.ByteArrayOutputStream array = new java.io.ByteArrayOutputStream();
            array.write(WireFormat.header(id));
            org.apache.avro.io.BinaryEncoder e = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(array, null);
            e.writeString("e");
            e.writeString("t");
            e.writeString("x");
            e.writeEnum(0);
            e.writeLong(0);
            e.writeIndex(0);
            e.writeIndex(0);
            e.writeIndex(0);
            e.writeLong(claimed);
            e.flush();
            assertFails(() -> deserializer.deserialize("token-lifecycle", array.toByteArray()), "token-lifecycle", "corrupt payload");

            byte[] string = ByteBuffer.allocate(16).put(WireFormat.header(id)).put(zigzag(claimed)).array();
            assertFails(() -> deserializer.deserialize("token-lifecycle", string), "token-lifecycle", "corrupt payload");
        }
    }

    private static byte[] zigzag(long n) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder e = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
        e.writeLong(n);
        e.flush();
        return out.toByteArray();
    }

    // ---- the wire format ----

    @Test
    void theHeaderIsMagicZeroAndABigEndianId() {
        byte[] header = WireFormat.header(0x01020304);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, header);
        assertEquals(0x01020304, WireFormat.schemaId("t", header));
        assertEquals(Integer.MAX_VALUE, WireFormat.schemaId("t", WireFormat.header(Integer.MAX_VALUE)));
        assertEquals(WireFormat.HEADER_SIZE, header.length);
    }

    @Test
    void theWireFormatRefusesWhatIsNotFramed() {
        assertFails(() -> WireFormat.schemaId("raw", new byte[] {0}), "record of topic raw is 1 bytes, too short");
        assertFails(() -> WireFormat.schemaId("raw", new byte[] {(byte) 0x82, 0, 0, 0, 1, 2}), "record of topic raw starts with byte -126");
    }

    private static void assertFails(Executable call, String... fragments) {
        SerializationException e = assertThrows(SerializationException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' missing from: " + e.getMessage());
        }
    }

    /** Builds records of any generated class from its schema: every field set (full) or only the required ones (minimal). */
    static final class Filler {
        private Filler() {
        }

        static <T extends SpecificRecord> T full(Class<T> type) {
            return fill(type, true);
        }

        static <T extends SpecificRecord> T minimal(Class<T> type) {
            return fill(type, false);
        }

        @SuppressWarnings("unchecked")
        private static <T extends SpecificRecord> T fill(Class<T> type, boolean full) {
            Schema schema = SpecificData.get().getSchema(type);
            T record = (T) SpecificData.newInstance(type, schema);
            for (Schema.Field f : schema.getFields()) {
                record.put(f.pos(), value(f.name(), f.schema(), full, f.pos()));
            }
            return record;
        }

        private static Object value(String name, Schema s, boolean full, int n) {
            if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                return Instant.parse("2026-03-01T12:00:00.123Z").plusSeconds(n * 3600L);
            }
            return switch (s.getType()) {
                case UNION -> {
                    Schema nonNull = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
                    yield full ? value(name, nonNull, true, n) : null;
                }
                case STRING -> name + "-" + n;
                case LONG -> 1_000_000_000_000L + n;
                case INT -> 7 + n;
                case DOUBLE -> 0.25 + n;
                case BOOLEAN -> true;
                case ENUM -> {
                    // The last symbol: a writer/reader mix-up of symbol order would show.
                    String symbol = s.getEnumSymbols().get(s.getEnumSymbols().size() - 1);
                    yield SpecificData.get().createEnum(symbol, s);
                }
                case ARRAY -> full ? List.of(value(name, s.getElementType(), true, n), value(name, s.getElementType(), true, n + 1)) : List.of();
                case MAP -> {
                    // Insertion order a, b: what a HashMap of the read record iterates too, so bytes compare equal.
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    if (full) {
                        m.put("a", value(name, s.getValueType(), true, n));
                        m.put("b", value(name, s.getValueType(), true, n + 1));
                    }
                    yield m;
                }
                default -> throw new IllegalArgumentException("no sample value for " + s + " of field " + name);
            };
        }
    }
}
