package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.MockSchemaRegistryClient;
import org.junit.jupiter.api.Test;

/**
 * Byte-level interoperability with Confluent's code as it is on Maven Central. Confluent's KafkaAvroSerializer is
 * not there (its repository is Confluent's own, and flink-sql-avro-confluent-registry shades only Confluent's
 * registry client), so the reference is {@link ConfluentSide}: Confluent's {@code MockSchemaRegistryClient} plus
 * Flink's Confluent wire-format coder. Both sides share that one registry (ours reaches it through an adapter),
 * so a schema has one id and the bytes can be compared whole. {@link ConfluentHttpInteropTest} repeats this over
 * HTTP with Confluent's REST client.
 */
class ConfluentInteropTest {
    private final MockSchemaRegistryClient confluentRegistry = new MockSchemaRegistryClient();
    private final ConfluentSide confluent = new ConfluentSide(confluentRegistry);
    private final SchemaRegistryClient ours = new ConfluentBackedRegistry(confluentRegistry);

    @Test
    void usageEventsAreByteIdenticalBothWays() throws Exception {
        roundTrip(Samples.usage(), TokenUsageEvent.class, "token-usage");
    }

    @Test
    void lifecycleEventsAreByteIdenticalBothWays() throws Exception {
        roundTrip(Samples.lifecycle(), TokenLifecycleEvent.class, "token-lifecycle");
    }

    @Test
    void stringKeysAreFramedLikeConfluentFramesAJavaString() throws Exception {
        AvroStringSerde keys = new AvroStringSerde(ours, true);
        byte[] mine = keys.serializer().serialize("token-usage", "AKIAIOSFODNN7EXAMPLE");

        var stringSchema = new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser().parse("\"string\"");
        byte[] theirs = confluent.write("token-usage-key", stringSchema, "AKIAIOSFODNN7EXAMPLE");

        assertArrayEquals(theirs, mine);
        assertEquals("AKIAIOSFODNN7EXAMPLE", keys.deserializer().deserialize("token-usage", theirs));
        assertEquals("AKIAIOSFODNN7EXAMPLE", confluent.read(mine).toString());
    }

    @Test
    void theReferenceRejectsAWrongFraming() throws Exception {
        // The control that shows the comparison has teeth: the same payload with a little-endian id or a
        // missing magic byte does not read on the reference side.
        byte[] mine = AvroSerdes.value(TokenUsageEvent.class, ours).serializer().serialize("token-usage", Samples.usage());
        byte[] littleEndian = mine.clone();
        ByteBuffer.wrap(littleEndian, 1, 4).putInt(Integer.reverseBytes(ByteBuffer.wrap(mine, 1, 4).getInt()));
        byte[] noMagic = java.util.Arrays.copyOfRange(mine, 1, mine.length);

        assertThrows(IOException.class, () -> confluent.read(littleEndian));
        assertThrows(IOException.class, () -> confluent.read(noMagic));
    }

    private <T extends SpecificRecord> void roundTrip(T record, Class<T> type, String topic) throws Exception {
        var serde = AvroSerdes.value(type, ours);

        byte[] ourBytes = serde.serializer().serialize(topic, record);
        byte[] confluentBytes = confluent.write(topic + "-value", record);

        assertArrayEquals(confluentBytes, ourBytes, "same record, same schema id: same bytes");
        assertEquals(record, serde.deserializer().deserialize(topic, confluentBytes), "we read what the reference wrote");
        var shadedSchema = ConfluentSide.shaded(record.getSchema());
        assertEquals(ConfluentSide.avroJson(record), ConfluentSide.avroJson(shadedSchema, confluent.read(ourBytes)),
                "the reference reads every field we wrote");
    }

    /** Our client interface over Confluent's registry client, so both sides see one registry. */
    private static final class ConfluentBackedRegistry implements SchemaRegistryClient {
        private final MockSchemaRegistryClient confluent;

        ConfluentBackedRegistry(MockSchemaRegistryClient confluent) {
            this.confluent = confluent;
        }

        @Override
        public int register(String subject, Schema schema) {
            try {
                return confluent.register(subject, new AvroSchema(schema.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int lookup(String subject, Schema schema) {
            try {
                return confluent.getId(subject, new AvroSchema(schema.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Schema getById(int id) {
            try {
                return new Schema.Parser().parse(confluent.getSchemaById(id).canonicalString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            try {
                return confluent.testCompatibility(subject, new AvroSchema(schema.toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<String> subjects() {
            try {
                return List.copyOf(confluent.getAllSubjects());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String describe() {
            return "confluent-mock";
        }

        @Override
        public void close() {
        }
    }
}
