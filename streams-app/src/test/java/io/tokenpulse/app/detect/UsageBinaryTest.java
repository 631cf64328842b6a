package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The field-by-field usage codec writes exactly the bytes of Avro's own writer and reads back an equal record, so a
 * held use is the same whichever of the two wrote it (packs written before it existed included).
 */
class UsageBinaryTest {

    @Property(tries = 500)
    void writesAvrosOwnBytesAndReadsThemBack(@ForAll("events") TokenUsageEvent e) {
        byte[] ours = UsageBinary.encode(e, HeldInput.USAGE);
        assertArrayEquals(AvroBinary.encode(e, HeldInput.USAGE), ours);
        assertEquals(e, UsageBinary.decode(ours, 0, ours.length));
        byte[] framed = new byte[ours.length + 7];
        System.arraycopy(ours, 0, framed, 3, ours.length);
        assertEquals(e, UsageBinary.decode(framed, 3, ours.length), "read in place from a pack");
    }

    @Test
    void theCodecFollowsTheSchemaFieldForField() {
        // UsageBinary writes these fields in this order with these types; a schema change must change it as well.
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
