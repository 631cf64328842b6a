package io.tokenpulse.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.registry.SchemaRegistryClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.MockSchemaRegistryClient;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;
import org.junit.jupiter.api.Test;

/**
 * Byte-level interoperability with Confluent's code as it is on Maven Central: Confluent's schema registry
 * client ({@code MockSchemaRegistryClient}, shaded inside flink-sql-avro-confluent-registry) and the wire-format
 * coder built on it, writing and reading with Avro (shaded there too). Both sides share one registry (ours talks
 * to Confluent's mock through a small adapter), so the same schema has the same id on both sides.
 *
 * <p>Confluent's KafkaAvroSerializer itself is not published to Maven Central (not even shaded), so the
 * Confluent side here is: Confluent's registry client + magic byte and big-endian id framing + Avro binary.
 */
class ConfluentInteropTest {
    private final MockSchemaRegistryClient confluent = new MockSchemaRegistryClient();
    private final SchemaRegistryClient ours = new ConfluentBackedRegistry(confluent);

    @Test
    void confluentReadsWhatWeWriteAndWritesWhatWeRead_usage() throws Exception {
        roundTrip(Samples.usage(), TokenUsageEvent.class, "token-usage");
    }

    @Test
    void confluentReadsWhatWeWriteAndWritesWhatWeRead_lifecycle() throws Exception {
        roundTrip(Samples.lifecycle(), TokenLifecycleEvent.class, "token-lifecycle");
    }

    @Test
    void stringKeysAreFramedLikeConfluentFramesAJavaString() throws Exception {
        AvroStringSerde keys = new AvroStringSerde(ours, true);
        byte[] mine = keys.serializer().serialize("token-usage", "AKIAIOSFODNN7EXAMPLE");

        var stringSchema = new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser().parse("\"string\"");
        byte[] theirs = confluentWrite("token-usage-key", stringSchema, "AKIAIOSFODNN7EXAMPLE");

        assertArrayEquals(theirs, mine);
        assertEquals("AKIAIOSFODNN7EXAMPLE", keys.deserializer().deserialize("token-usage", theirs));
    }

    private <T extends SpecificRecord> void roundTrip(T record, Class<T> type, String topic) throws Exception {
        var serde = new SpecificAvroSerde<>(type, ours);
        String subject = topic + "-value";

        // Ours -> Confluent: the coder finds the writer schema by the id in our framing and Avro decodes the rest.
        byte[] ourBytes = serde.serializer().serialize(topic, record);
        GenericRecord decodedByConfluent = confluentRead(ourBytes);
        assertEquals(json(record), decodedByConfluent.toString().replace(" ", ""),
                "Confluent's side must read every field we wrote");

        // Confluent -> ours: the same record written through Confluent's registry client and framing.
        var shadedSchema = new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser().parse(record.getSchema().toString());
        GenericRecord shadedRecord = fromJson(shadedSchema, avroJson(record));
        byte[] confluentBytes = confluentWrite(subject, shadedSchema, shadedRecord);

        assertArrayEquals(confluentBytes, ourBytes, "both sides must produce the same bytes for the same record and id");
        assertEquals(record, serde.deserializer().deserialize(topic, confluentBytes));
        assertEquals(0, confluentBytes[0], "magic byte");
    }

    private byte[] confluentWrite(String subject, org.apache.flink.avro.shaded.org.apache.avro.Schema schema, Object datum)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConfluentSchemaRegistryCoder(subject, confluent).writeSchema(schema, out);
        var encoder = org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private GenericRecord confluentRead(byte[] bytes) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        var writerSchema = new ConfluentSchemaRegistryCoder(confluent).readSchema(in);
        var decoder = DecoderFactory.get().binaryDecoder(in, null);
        return new GenericDatumReader<GenericRecord>(writerSchema).read(null, decoder);
    }

    private static GenericRecord fromJson(org.apache.flink.avro.shaded.org.apache.avro.Schema schema, String json) throws IOException {
        return new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, json));
    }

    /** Avro's JSON encoding of our record, the neutral form both Avro copies read. */
    private static String avroJson(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** GenericRecord.toString of the same record on our (unshaded) Avro, to compare field by field. */
    private static String json(SpecificRecord record) throws IOException {
        Schema schema = record.getSchema();
        var generic = new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(schema)
                .read(null, org.apache.avro.io.DecoderFactory.get().jsonDecoder(schema, avroJson(record)));
        return generic.toString().replace(" ", "");
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
