package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.InMemorySchemaRegistryClient;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Steady state must not call the registry: one register (or lookup) per subject, one fetch per writer id. */
class SerdeCachingTest {
    private final InMemorySchemaRegistryClient backing = new InMemorySchemaRegistryClient();
    private final CountingRegistry registry = new CountingRegistry(backing);

    @Test
    void theSerializerRegistersOncePerSubject() {
        var serializer = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry);

        for (int i = 0; i < 100; i++) {
            serializer.serialize("token-usage", Samples.usage());
        }
        serializer.serialize("token-usage-replay", Samples.usage());

        assertEquals(2, registry.registers.get());
        assertEquals(0, registry.lookups.get());
    }

    @Test
    void withoutAutoRegisterTheSerializerLooksUpOnce() {
        backing.register("token-usage-value", TokenUsageEvent.getClassSchema());
        var serializer = new SpecificAvroSerializer<>(TokenUsageEvent.class, registry, false, false);

        for (int i = 0; i < 100; i++) {
            serializer.serialize("token-usage", Samples.usage());
        }

        assertEquals(0, registry.registers.get());
        assertEquals(1, registry.lookups.get());
    }

    @Test
    void theDeserializerFetchesEachWriterSchemaOnce() {
        byte[] usage = new SpecificAvroSerializer<>(TokenUsageEvent.class, backing).serialize("token-usage", Samples.usage());
        var deserializer = new SpecificAvroDeserializer<>(TokenUsageEvent.class, registry);

        for (int i = 0; i < 100; i++) {
            assertEquals(Samples.usage(), deserializer.deserialize("token-usage", usage));
        }

        assertEquals(1, registry.getByIds.get());
    }

    @Test
    void aFailedFetchIsNotCachedSoTheNextRecordAsksAgain() {
        var deserializer = new SpecificAvroDeserializer<>(TokenLifecycleEvent.class, registry);
        byte[] framedForLaterId = new SpecificAvroSerializer<>(TokenLifecycleEvent.class, new InMemorySchemaRegistryClient())
                .serialize("token-lifecycle", Samples.lifecycle());

        assertThrows(SerializationException.class, () -> deserializer.deserialize("token-lifecycle", framedForLaterId));
        backing.register("token-lifecycle-value", TokenLifecycleEvent.getClassSchema()); // id 1, as in the bytes

        assertEquals(Samples.lifecycle(), deserializer.deserialize("token-lifecycle", framedForLaterId));
        assertEquals(2, registry.getByIds.get());
    }
}
