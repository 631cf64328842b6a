package io.tokenpulse.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: byte 0 is the magic 0, bytes 1-4 the schema id (big-endian), then the
 * Avro binary encoding of the datum.
 */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** The schema id of a framed payload; a SerializationException naming the topic when it is not framed. */
    public static int schemaId(String topic, byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("record of topic " + topic + " is " + data.length
                    + " bytes, too short for the schema registry wire format (magic byte + 4-byte schema id + Avro)");
        }
        if (data[0] != MAGIC) {
            throw new SerializationException("record of topic " + topic + " starts with byte " + data[0]
                    + ", not the wire format's magic byte 0: it was not written by a schema registry serializer");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    static byte[] header(int schemaId) {
        return ByteBuffer.allocate(HEADER_SIZE).put(MAGIC).putInt(schemaId).array();
    }
}
