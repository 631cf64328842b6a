package io.tokenpulse.producers.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire-format decoder, fed arbitrary bytes behind registered schema ids: it returns a record or throws
 * SerializationException, nothing else (no OutOfMemoryError from a claimed length, no runtime exception of Avro's).
 */
class WireDecoderFuzzTest {
    private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();
    private static final List<SpecificAvroDeserializer<?>> DECODERS;

    static {
        REGISTRY.register("token-usage-value", TokenUsageEvent.getClassSchema());
        REGISTRY.register("token-lifecycle-value", TokenLifecycleEvent.getClassSchema());
        REGISTRY.register("token-policies-value", TokenPolicy.getClassSchema());
        DECODERS = List.of(new SpecificAvroDeserializer<>(TokenUsageEvent.class, REGISTRY),
                new SpecificAvroDeserializer<>(TokenLifecycleEvent.class, REGISTRY),
                new SpecificAvroDeserializer<>(TokenPolicy.class, REGISTRY));
    }

    @FuzzTest(maxDuration = "10s")
    void decodesOrSaysWhyNothingElse(FuzzedDataProvider data) {
        SpecificAvroDeserializer<?> decoder = DECODERS.get(data.consumeInt(0, DECODERS.size() - 1));
        int schemaId = data.consumeInt(0, 4);
        byte[] payload = data.consumeRemainingAsBytes();
        byte[] framed = new byte[5 + payload.length];
        framed[0] = 0;
        framed[1] = (byte) (schemaId >>> 24);
        framed[2] = (byte) (schemaId >>> 16);
        framed[3] = (byte) (schemaId >>> 8);
        framed[4] = (byte) schemaId;
        System.arraycopy(payload, 0, framed, 5, payload.length);
        try {
            decoder.deserialize("token-usage", framed);
        } catch (SerializationException expected) {
            // the documented answer to bytes that are not a readable record
        }
    }
}
