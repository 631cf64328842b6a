package io.tokenpulse.local.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.schemas.TopicDef;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class RealKafkaAndRegistryIT {
    private final RealKafkaAndRegistry env = RealKafkaAndRegistry.get();

    @Test
    void uniqueNamesDifferAndAreValidTopicNames() {
        Map<TopicDef, String> a = RealKafkaAndRegistry.uniqueTopicNames("My Test");
        Map<TopicDef, String> b = RealKafkaAndRegistry.uniqueTopicNames("My Test");

        assertNotEquals(a.get(TopicDef.USAGE), b.get(TopicDef.USAGE));
        assertTrue(a.get(TopicDef.USAGE).matches("[a-z0-9._-]+"), a.get(TopicDef.USAGE));
    }

    @Test
    void createsSpecTopicsUnderUniqueNames() throws Exception {
        Map<TopicDef, String> names = RealKafkaAndRegistry.uniqueTopicNames("spec-topics");

        env.createTopics(names);
        env.createTopics(names);

        try (var admin = env.admin()) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertTrue(existing.containsAll(names.values()), existing.toString());
            // Created as TopicDef says: its partitions, one replica on the single broker, its configs.
            String usage = names.get(TopicDef.USAGE);
            TopicDescription d = admin.describeTopics(List.of(usage)).allTopicNames().get(10, TimeUnit.SECONDS).get(usage);
            assertEquals(2, d.partitions().size());
            assertEquals(1, d.partitions().get(0).replicas().size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, usage);
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            TopicDef.USAGE.configs().forEach((k, v) -> assertEquals(v, config.get(k).value(), k));
        }
    }

    @Test
    void exactlyOnceStreamsAppRunsOnTheSingleBroker() throws Exception {
        String in = RealKafkaAndRegistry.unique("eos-in");
        String out = RealKafkaAndRegistry.unique("eos-out");
        env.createTopics(2, in, out);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.toUpperCase())
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, RealKafkaAndRegistry.unique("eos-app"));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/tp-local-it-streams");

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()),
                     new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, RealKafkaAndRegistry.unique("eos-reader"),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new StringDeserializer())) {
            streams.start();
            producer.send(new ProducerRecord<>(in, "k", "hello")).get(10, TimeUnit.SECONDS);
            consumer.subscribe(List.of(out));

            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            assertEquals(List.of("HELLO"), values);
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void registryServesTheConfluentApi() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(env.registryUrl() + "/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(env.registryUrl().endsWith("/apis/ccompat/v7"));
    }
}
