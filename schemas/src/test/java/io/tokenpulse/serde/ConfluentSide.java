package io.tokenpulse.serde;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.shaded.org.apache.avro.Schema;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;

/**
 * The reference side of the interop tests, using only code from flink-sql-avro-confluent-registry: Confluent's
 * registry client (shaded), Flink's Confluent wire-format coder, and the Avro copy shaded beside them. Our
 * records cross over as Avro JSON, the one form both Avro copies read, so no class of ours reaches this side.
 */
final class ConfluentSide {
    private final SchemaRegistryClient registry;

    ConfluentSide(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** Frames and encodes the record as the reference does: register under the subject, magic, id, Avro binary. */
    byte[] write(String subject, SpecificRecord record) throws IOException {
        Schema schema = shaded(record.getSchema());
        GenericRecord datum = new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().jsonDecoder(schema, avroJson(record)));
        return write(subject, schema, datum);
    }

    byte[] write(String subject, Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConfluentSchemaRegistryCoder(subject, registry).writeSchema(schema, out);
        var encoder = org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Reads framed bytes as the reference does: the writer schema by the id in the header, then Avro binary. */
    Object read(byte[] bytes) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        Schema writer = new ConfluentSchemaRegistryCoder(registry).readSchema(in);
        Object datum = new GenericDatumReader<>(writer).read(null, DecoderFactory.get().binaryDecoder(in, null));
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes left after the datum: the framing is off");
        }
        return datum;
    }

    static Schema shaded(org.apache.avro.Schema schema) {
        return new Schema.Parser().parse(schema.toString());
    }

    /** Avro's JSON encoding of our record, to compare with what the reference read, field by field. */
    static String avroJson(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The reference's datum in the same Avro JSON encoding, so a comparison is exact. */
    static String avroJson(Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var encoder = org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory.get().jsonEncoder(schema, out);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}
