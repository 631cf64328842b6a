package io.tokenpulse.cli.query;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.serde.AvroStringSerde;
import io.tokenpulse.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/** Reads one of the pipeline's output topics from its start to its committed end as it is now. */
final class TopicSnapshot {
    private TopicSnapshot() {
    }

    static <V extends SpecificRecord> void read(AppConfig config, TopicDef topic, Class<V> type, Consumer<V> sink) {
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
             TopicTail<V> tail = new TopicTail<>(config, config.topicName(topic), new AvroStringSerde(registry, true).deserializer(),
                     new SpecificAvroDeserializer<>(type, registry), true)) {
            tail.readToEnd(Duration.ofMinutes(2), v -> {
                if (v != null) {
                    sink.accept(v);
                }
            });
        }
    }
}
