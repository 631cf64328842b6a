package io.tokenpulse.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryClientTest {
    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void idsStartAtOneAndAreSharedAcrossSubjectsLikeConfluents() {
        assertEquals(1, registry.register("token-usage-value", TokenUsageEvent.getClassSchema()));
        assertEquals(1, registry.register("token-usage-replay-value", TokenUsageEvent.getClassSchema()));
        assertEquals(2, registry.register("token-lifecycle-value", TokenLifecycleEvent.getClassSchema()));
        assertEquals(1, registry.register("token-usage-value", TokenUsageEvent.getClassSchema()), "registering again is idempotent");

        assertEquals(TokenLifecycleEvent.getClassSchema(), registry.getById(2));
        assertEquals(1, registry.lookup("token-usage-replay-value", TokenUsageEvent.getClassSchema()));
        assertEquals(List.of("token-lifecycle-value", "token-usage-replay-value", "token-usage-value"), registry.subjects());
    }

    @Test
    void lookupOfASchemaNotUnderTheSubjectIsNotFound() {
        registry.register("token-usage-value", TokenUsageEvent.getClassSchema());

        RegistryException e = assertThrows(RegistryException.class, () -> registry.lookup("token-alerts-value", TokenUsageEvent.getClassSchema()));

        assertTrue(e.notFound());
        assertTrue(e.getMessage().contains("'token-alerts-value'") && e.getMessage().contains("mock://anonymous"), e.getMessage());
    }

    @Test
    void anUnknownIdIsNotFoundAndNamed() {
        RegistryException e = assertThrows(RegistryException.class, () -> registry.getById(9999));

        assertTrue(e.notFound());
        assertTrue(e.getMessage().contains("9999"), e.getMessage());
    }

    @Test
    void compatibilityIsBackwardAgainstTheLatestVersion() {
        Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        Schema addsDefaulted = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
        Schema addsRequired = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}");

        assertTrue(registry.isCompatible("r-value", addsRequired), "nothing is registered yet");
        registry.register("r-value", v1);

        assertTrue(registry.isCompatible("r-value", addsDefaulted));
        assertFalse(registry.isCompatible("r-value", addsRequired));
    }

    @Test
    void scopesAreSharedUntilDropped() {
        InMemorySchemaRegistryClient a = InMemorySchemaRegistryClient.forScope("scope-test");
        a.register("token-usage-value", TokenUsageEvent.getClassSchema());

        assertSame(a, InMemorySchemaRegistryClient.forScope("scope-test"));
        assertEquals("mock://scope-test", a.describe());

        InMemorySchemaRegistryClient.dropScope("scope-test");
        InMemorySchemaRegistryClient fresh = InMemorySchemaRegistryClient.forScope("scope-test");
        assertNotSame(a, fresh);
        assertTrue(fresh.subjects().isEmpty());
        InMemorySchemaRegistryClient.dropScope("scope-test");
    }
}
