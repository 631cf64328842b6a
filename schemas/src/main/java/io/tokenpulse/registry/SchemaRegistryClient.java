package io.tokenpulse.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API that TokenPulse uses. Implementations cache
 * ids in both directions; every failure is a {@link RegistryException} naming the subject and URL.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers (or finds) the schema under the subject and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject; a RegistryException when it is not. */
    int lookup(String subject, Schema schema);

    /** The schema with this global id; a RegistryException naming the id when there is none. */
    Schema getById(int id);

    /** Whether the schema may be registered under the subject given its compatibility setting. */
    boolean isCompatible(String subject, Schema schema);

    /** All subjects. */
    List<String> subjects();

    /** A human description of where this client points, for errors and logs (never credentials). */
    String describe();

    @Override
    void close();
}
