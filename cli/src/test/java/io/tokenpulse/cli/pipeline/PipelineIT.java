package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.detect.DetectionTopology;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.cli.StackApp;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import io.tokenpulse.schemas.TopicDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation end to end on a real broker and a real registry (Apicurio, Confluent API): JSON Lines through
 * the CLI's publish -> Avro on Kafka -> the exactly-once app -> token state and alerts; a corrupt record and a
 * record with an unknown schema id, written between good ones, land in the dead-letter topic with their reasons
 * and their original bytes while every good record goes through.
 */
class PipelineIT {
    private static final RealKafkaAndRegistry STACK = RealKafkaAndRegistry.get();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void jsonLinesFlowToStateAndAlertsWhileBadRecordsGoToTheDeadLetterTopic() throws Exception {
        // Given: the contract's topics under unique names, and the app running on them
        StackApp stackApp = new StackApp(STACK, "pipeline", dir.resolve("state"));
        Map<TopicDef, String> topics = stackApp.topics;
        AppConfig config = stackApp.config;

        try (TokenPulseApp app = TokenPulseApp.create(config).start()) {
            app.awaitRunning(Duration.ofSeconds(60));

            // When: good lines (and one line that is not JSON) go through the CLI ...
            Path input = dir.resolve("events.jsonl");
            Files.writeString(input, String.join("\n",
                    "{\"kind\":\"lifecycle\",\"eventId\":\"l1\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\",\"type\":\"ISSUED\","
                            + "\"occurredAt\":\"2026-11-01T10:00:00Z\",\"owner\":\"payments\",\"principal\":\"checkout\","
                            + "\"serviceVersion\":\"2.3\",\"scopes\":[\"repo:read\",\"repo:write\"],\"expiresAt\":\"2026-12-01T00:00:00Z\","
                            + "\"issuer\":\"github\"}",
                    "{\"kind\":\"usage\",\"eventId\":\"u1\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\",\"occurredAt\":1761991500000,"
                            + "\"scope\":\"repo:read\",\"outcome\":\"ALLOWED\",\"principal\":\"checkout\",\"sourceIp\":\"10.0.0.7\"}",
                    "not json at all",
                    "{\"kind\":\"lifecycle\",\"eventId\":\"l2\",\"tokenId\":\"tok-2\",\"tenant\":\"acme\",\"type\":\"ISSUED\","
                            + "\"occurredAt\":\"2026-11-01T10:00:00Z\",\"scopes\":[\"x:y\"],\"issuer\":\"vault\"}",
                    "{\"kind\":\"usage\",\"eventId\":\"u2\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\",\"occurredAt\":\"2026-11-01T10:06:00Z\","
                            + "\"scope\":\"repo:read\",\"outcome\":\"ALLOWED\",\"principal\":\"intruder\"}") + "\n");
            CliRun published = stackApp.cli("publish", "--format", "jsonl", input.toString());
            assertEquals(2, published.exitCode, published.toString());
            assertTrue(published.out.contains("Published 4, rejected 1, failed to send 0"), published.toString());
            assertTrue(published.err.contains("rejected line 3: not valid JSON"), published.toString());

            // ... and a corrupt record and a record with an unknown schema id are written between good ones
            byte[] key;
            try (var registry = io.tokenpulse.registry.SchemaRegistryClients.fromConfig(config.registry().clientConfig())) {
                key = new io.tokenpulse.serde.AvroStringSerde(registry, true).serializer().serialize(topics.get(TopicDef.USAGE), "tok-1");
            }
            byte[] corrupt = "definitely not avro".getBytes(StandardCharsets.UTF_8);
            byte[] unknownId = {0, 0, 0x0f, 0x42, 0x3f, 2, 4, 6};
            Properties producerProps = STACK.clientProperties();
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(topics.get(TopicDef.USAGE), key, corrupt)).get();
                raw.send(new ProducerRecord<>(topics.get(TopicDef.USAGE), key, unknownId)).get();
            }
            Path more = dir.resolve("more.jsonl");
            Files.writeString(more, "{\"kind\":\"usage\",\"eventId\":\"u3\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\","
                    + "\"occurredAt\":\"2026-11-01T10:07:00Z\",\"scope\":\"repo:write\",\"outcome\":\"ALLOWED\",\"principal\":\"checkout\"}\n");
            assertEquals(0, stackApp.cli("publish", "--format", "jsonl", more.toString()).exitCode);

            // Then: the dead-letter topic holds exactly the two bad records, original bytes and reasons
            List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.get(TopicDef.DLQ), 2, Duration.ofSeconds(60));
            assertEquals(2, dead.size(), "dead letters");
            assertEquals(List.of(new String(corrupt, StandardCharsets.UTF_8), new String(unknownId, StandardCharsets.ISO_8859_1)),
                    List.of(new String(dead.get(0).value(), StandardCharsets.UTF_8), new String(dead.get(1).value(), StandardCharsets.ISO_8859_1)));
            assertTrue(header(dead.get(0), "tokenpulse.dlq.reason").contains("magic byte"), header(dead.get(0), "tokenpulse.dlq.reason"));
            assertTrue(header(dead.get(1), "tokenpulse.dlq.reason").contains("unknown schema id 999999"), header(dead.get(1), "tokenpulse.dlq.reason"));
            assertEquals(topics.get(TopicDef.USAGE), header(dead.get(0), "tokenpulse.dlq.topic"));
            assertEquals(2, app.deadLetters().total());

            // ... the state holds both tokens, with every good use applied (nothing lost around the bad ones)
            ReadOnlyKeyValueStore<String, TokenState> store = app.streams().store(StoreQueryParameters.fromNameAndType(
                    DetectionTopology.TOKEN_STORE, QueryableStoreTypes.keyValueStore()));
            TokenState tok1 = awaitState(store, "tok-1", s -> s.getActivity() != null
                    && s.getActivity().getScopeLastUse().containsKey("repo:write"));
            assertEquals(List.of("repo:read", "repo:write"), tok1.getScopes());
            assertEquals("checkout", tok1.getPrincipal());
            assertEquals(java.time.Instant.parse("2026-11-01T10:07:00Z").toEpochMilli(), tok1.getActivity().getLastAllowedUseAt());
            assertEquals(java.time.Instant.parse("2026-11-01T10:00:00Z"), awaitState(store, "tok-2", s -> true).getIssuedAt());

            // ... and the alerts, read back through the CLI as contract-named JSON
            CliRun read = stackApp.cli("alerts", "--from-beginning", "--json", "--idle-timeout", "5");
            assertEquals(0, read.exitCode, read.toString());
            List<JsonNode> lines = new ArrayList<>();
            for (String line : read.out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
            JsonNode mismatch = lines.stream().filter(n -> n.get("type").asText().equals("PRINCIPAL_MISMATCH")).findFirst()
                    .orElseThrow(() -> new AssertionError("no PRINCIPAL_MISMATCH in " + read));
            assertEquals("tok-1", mismatch.get("tokenId").asText());
            assertEquals("2026-11-01T10:06:00Z", mismatch.get("eventTime").asText());
            assertEquals("intruder", mismatch.get("evidence").get("seenPrincipal").asText());
            assertEquals("INVESTIGATE", mismatch.get("action").asText());
            for (String field : List.of("alertId", "type", "severity", "tenant", "tokenId", "owner", "principal", "eventTime",
                    "emittedAt", "summary", "evidence", "action", "suggestedScopes")) {
                assertTrue(mismatch.has(field), "alert JSON lacks " + field + ": " + mismatch);
            }
            assertTrue(lines.stream().anyMatch(n -> n.get("type").asText().equals("EXPIRY_POLICY_VIOLATION")
                    && n.get("tokenId").asText().equals("tok-2")), read.toString());
        }
    }

    private static TokenState awaitState(ReadOnlyKeyValueStore<String, TokenState> store, String tokenId,
                                         java.util.function.Predicate<TokenState> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            TokenState s = store.get(tokenId);
            if (s != null && ready.test(s)) {
                return s;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("token " + tokenId + " did not reach the expected state; last: " + store.get(tokenId));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected, Duration timeout) {
        Properties p = STACK.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, RealKafkaAndRegistry.unique("reader"));
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            // Read until the expected records arrived, then a little longer: more than expected is a failure too.
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
        return out;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
