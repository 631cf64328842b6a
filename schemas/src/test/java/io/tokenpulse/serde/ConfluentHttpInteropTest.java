package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.HttpSchemaRegistryClient;
import io.tokenpulse.registry.RegistryConfig;
import io.tokenpulse.registry.StubRegistry;
import java.io.IOException;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interop check over HTTP: Confluent's own REST client ({@code CachedSchemaRegistryClient}) and ours talk to
 * one registry served under a base path, as Apicurio serves its ccompat API. The ids come from the server, so this
 * also shows that both clients register and fetch through the same endpoints, the base path kept.
 */
class ConfluentHttpInteropTest {
    private StubRegistry registry;
    private ConfluentSide confluent;
    private HttpSchemaRegistryClient ours;

    @BeforeEach
    void start() throws IOException {
        registry = new StubRegistry("/apis/ccompat/v7");
        confluent = new ConfluentSide(new CachedSchemaRegistryClient(registry.url(), 100));
        ours = new HttpSchemaRegistryClient(RegistryConfig.of(registry.url()));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void confluentWritesFirstAndWeReuseItsId() throws Exception {
        byte[] theirs = confluent.write("token-lifecycle-value", Samples.lifecycle());
        byte[] mine = AvroSerdes.value(TokenLifecycleEvent.class, ours).serializer().serialize("token-lifecycle", Samples.lifecycle());

        assertArrayEquals(theirs, mine);
        assertReadBothWays(Samples.lifecycle(), TokenLifecycleEvent.class, "token-lifecycle", mine, theirs);
    }

    @Test
    void weWriteFirstAndConfluentReusesOurId() throws Exception {
        AvroSerdes.value(TokenLifecycleEvent.class, ours).serializer().serialize("token-lifecycle", Samples.lifecycle()); // takes id 1
        byte[] mine = AvroSerdes.value(TokenUsageEvent.class, ours).serializer().serialize("token-usage", Samples.usage());
        byte[] theirs = confluent.write("token-usage-value", Samples.usage());

        assertEquals(2, mine[4], "the second schema registered has id 2");
        assertArrayEquals(mine, theirs);
        assertReadBothWays(Samples.usage(), TokenUsageEvent.class, "token-usage", mine, theirs);
        assertEquals(List.of("token-lifecycle-value", "token-usage-value"), ours.subjects());
    }

    private <T extends SpecificRecord> void assertReadBothWays(T record, Class<T> type, String topic, byte[] mine, byte[] theirs)
            throws IOException {
        // A fresh deserializer, so the writer schema is fetched over HTTP by id, not taken from a cache.
        var reader = new SpecificAvroDeserializer<>(type, new HttpSchemaRegistryClient(RegistryConfig.of(registry.url())));
        assertEquals(record, reader.deserialize(topic, theirs));
        assertEquals(ConfluentSide.avroJson(record),
                ConfluentSide.avroJson(ConfluentSide.shaded(record.getSchema()), confluent.read(mine)));
    }
}
