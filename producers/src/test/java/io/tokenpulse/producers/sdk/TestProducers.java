package io.tokenpulse.producers.sdk;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;

/** MockProducers for the publisher and the job: no broker, no registry. */
public final class TestProducers {
    private TestProducers() {
    }

    /** Acknowledges every send at once. */
    public static MockProducer<String, SpecificRecord> acking() {
        return new MockProducer<>(true, null, new StringSerializer(), (topic, value) -> new byte[0]);
    }

    /** Acknowledges nothing until the test calls completeNext/errorNext; flush acknowledges whatever is left. */
    public static MockProducer<String, SpecificRecord> pending() {
        return new MockProducer<>(false, null, new StringSerializer(), (topic, value) -> new byte[0]);
    }

    /** Fails (through the callback, as a broker timeout would) every send whose key is in {@code failingKeys}. */
    public static MockProducer<String, SpecificRecord> failingFor(Set<String> failingKeys) {
        return new MockProducer<>(true, null, new StringSerializer(), (topic, value) -> new byte[0]) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<String, SpecificRecord> record, Callback callback) {
                if (failingKeys.contains(record.key())) {
                    TimeoutException e = new TimeoutException("Expiring 1 record(s) for " + record.topic() + ": 120000 ms has passed");
                    callback.onCompletion(null, e);
                    return CompletableFuture.failedFuture(e);
                }
                return super.send(record, callback);
            }
        };
    }

    /** Never acknowledges: sends stay pending and flush does not complete them (a broker that went away). */
    public static MockProducer<String, SpecificRecord> silent() {
        return new MockProducer<>(false, null, new StringSerializer(), (topic, value) -> new byte[0]) {
            @Override
            public synchronized void flush() {
                // a real flush would block until delivery.timeout.ms; here the job's drain timeout must act
            }
        };
    }
}
