package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The field-by-field usage codec writes exactly the bytes of Avro's own writer and reads back an equal record; the
 * deserializer takes it only for uses written in this build's schema, and Avro's resolving reader for any other.
 */
class UsageCodecTest {

    @Property(tries = 500)
    void writesAvrosOwnBytesAndReadsThemBack(@ForAll("events") TokenUsageEvent e) throws IOException {
        ByteSink sink = new ByteSink(16);
        UsageCodec.write(e, sink);
        byte[] ours = sink.toByteArray();
        assertArrayEquals(avro(e), ours);
        assertEquals(e, UsageCodec.read(new ByteSource(ours, 0, ours.length)));
        byte[] framed = new byte[ours.length + 7];
        System.arraycopy(ours, 0, framed, 3, ours.length);
        assertEquals(e, UsageCodec.read(new ByteSource(framed, 3, ours.length)), "read in place");
    }

    @Property(tries = 200)
    void theDeserializerReadsUsesOfThisSchemaAndOfAnotherAlike(@ForAll("events") TokenUsageEvent e) {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        byte[] own = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry).serialize("token-usage", e);
        SpecificAvroDeserializer<TokenUsageEvent> deserializer = new SpecificAvroDeserializer<>(TokenUsageEvent.class, registry);
        assertEquals(e, deserializer.deserialize("token-usage", own));
        // A newer writer with a field of its own: other bytes, read by resolution, the extra field skipped.
        Schema newer = withExtraField();
        int id = registry.register("token-usage-value", newer);
        GenericRecord r = new GenericData.Record(newer);
        for (Schema.Field f : TokenUsageEvent.getClassSchema().getFields()) {
            Object v = e.get(f.pos());
            r.put(f.name(), v instanceof Instant i ? i.toEpochMilli()
                    : v instanceof UsageOutcome o ? new GenericData.EnumSymbol(newer.getField("outcome").schema(), o.name()) : v);
        }
        r.put("note", "from a newer producer");
        byte[] other = frame(id, generic(newer, r));
        assertEquals(e, deserializer.deserialize("token-usage", other));
    }

    @Test
    void aCorruptUseIsASerializationErrorNotAWrongRecord() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        TokenUsageEvent e = TokenUsageEvent.newBuilder().setEventId("e").setTokenId("t").setTenant("a")
                .setOccurredAt(Instant.ofEpochMilli(1)).setScope("s").setOutcome(UsageOutcome.ALLOWED).setCount(1).build();
        byte[] own = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry).serialize("token-usage", e);
        byte[] truncated = java.util.Arrays.copyOf(own, own.length - 3);
        SpecificAvroDeserializer<TokenUsageEvent> deserializer = new SpecificAvroDeserializer<>(TokenUsageEvent.class, registry);
        assertThrows(SerializationException.class, () -> deserializer.deserialize("token-usage", truncated));
    }

    @Test
    void theCodecFollowsTheSchemaFieldForField() {
        // UsageCodec writes these fields in this order with these types; a schema change must change it as well.
        List<String> fields = TokenUsageEvent.getClassSchema().getFields().stream()
                .map(f -> f.name() + ":" + describe(f.schema())).toList();
        assertEquals(List.of("eventId:string", "tokenId:string", "tenant:string", "occurredAt:long/timestamp-millis",
                "principal:[null,string]", "serviceVersion:[null,string]", "scope:string", "resource:[null,string]",
                "outcome:enum", "sourceIp:[null,string]", "userAgent:[null,string]", "region:[null,string]", "count:int"),
                fields);
    }

    private static String describe(Schema s) {
        return switch (s.getType()) {
            case UNION -> "[" + String.join(",", s.getTypes().stream().map(t -> t.getType().getName()).toList()) + "]";
            case LONG -> s.getLogicalType() == null ? "long" : "long/" + s.getLogicalType().getName();
            default -> s.getType().getName();
        };
    }

    private static byte[] avro(TokenUsageEvent e) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new SpecificDatumWriter<>(TokenUsageEvent.class).write(e, encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    private static byte[] generic(Schema schema, GenericRecord r) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(schema).write(r, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }

    private static byte[] frame(int id, byte[] payload) {
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + payload.length).put(WireFormat.MAGIC).putInt(id).put(payload).array();
    }

    private static Schema withExtraField() {
        String own = TokenUsageEvent.getClassSchema().toString();
        String newer = own.substring(0, own.lastIndexOf(']'))
                + ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}" + own.substring(own.lastIndexOf(']'));
        return new Schema.Parser().parse(newer);
    }

    @Provide
    Arbitrary<TokenUsageEvent> events() {
        // Any text UTF-8 can carry (a lone surrogate cannot: Avro, like any UTF-8 writer, replaces it).
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(40);
        Arbitrary<String> maybe = text.injectNull(0.3);
        return Combinators.combine(text, text, text, Arbitraries.longs().between(-62_135_596_800_000L, 253_402_300_799_000L),
                maybe, maybe, Arbitraries.of(UsageOutcome.class), Arbitraries.integers())
                .as((id, token, scope, at, principal, resource, outcome, count) -> TokenUsageEvent.newBuilder()
                        .setEventId(id).setTokenId(token).setTenant(scope + "-t").setOccurredAt(Instant.ofEpochMilli(at))
                        .setPrincipal(principal).setServiceVersion(resource == null ? null : resource + "v")
                        .setScope(scope).setResource(resource).setOutcome(outcome).setSourceIp(principal)
                        .setUserAgent(id.isEmpty() ? null : id).setRegion(resource).setCount(count).build());
    }
}
