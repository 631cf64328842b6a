package io.tokenpulse.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.TokenPulseApp;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.cli.CliRun;
import io.tokenpulse.schemas.TopicDef;
import io.tokenpulse.schemas.TopicSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security as deployed: a broker whose only listener is SASL_SSL with ACLs enforced. The CLI (publish, alerts)
 * and the app (Kafka Streams, its admin client, the dead-letter producer) all reach it through {@code kafka.*}
 * settings alone, and the app runs as a principal holding exactly the ACLs README's "Kafka ACLs" section lists.
 */
class SecureKafkaIT {
    private static final String APP_ID = "tokenpulse-secure";

    @TempDir
    Path dir;

    /** README "Kafka ACLs", for application.id {@value #APP_ID} and the default topic names. */
    static List<AclBinding> readmeAcls(String principal, String appId) {
        List<AclBinding> acls = new ArrayList<>();
        for (TopicDef input : List.of(TopicDef.LIFECYCLE, TopicDef.USAGE, TopicDef.DEPLOYMENTS, TopicDef.POLICIES)) {
            acls.add(allow(principal, ResourceType.TOPIC, input.defaultName(), PatternType.LITERAL, AclOperation.READ));
        }
        for (TopicDef output : List.of(TopicDef.ALERTS, TopicDef.ACTIONS, TopicDef.INCIDENTS, TopicDef.REPORTS, TopicDef.DLQ)) {
            acls.add(allow(principal, ResourceType.TOPIC, output.defaultName(), PatternType.LITERAL, AclOperation.WRITE));
        }
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.DELETE, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(principal, ResourceType.TOPIC, appId + "-", PatternType.PREFIXED, op));
        }
        acls.add(allow(principal, ResourceType.GROUP, appId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, appId + "-", PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(principal, ResourceType.TRANSACTIONAL_ID, appId + "-", PatternType.PREFIXED, AclOperation.DESCRIBE));
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + principal, "*", op, AclPermissionType.ALLOW));
    }

    @Test
    void theAppAndTheCliWorkOverSaslSslWithTheDocumentedAclsOnly() throws Exception {
        try (SaslSslKafka kafka = SaslSslKafka.start(dir.resolve("kafka"))) {
            Map<TopicDef, String> topics = new EnumMap<>(TopicDef.class);
            for (TopicDef t : TopicDef.values()) {
                topics.put(t, t.defaultName());
            }
            try (Admin admin = Admin.create(kafka.adminClient())) {
                TopicSetup.ensureTopics(admin, topics, 2);
                admin.createAcls(readmeAcls(SaslSslKafka.APP_USER, APP_ID)).all().get();
            }

            // A wrong password is refused: SASL is really enforced on the only listener
            Map<String, Object> wrong = new HashMap<>(kafka.clientSettings(SaslSslKafka.APP_USER, "not-the-password"));
            wrong.put("bootstrap.servers", kafka.bootstrapServers());
            wrong.put("request.timeout.ms", 5_000);
            wrong.put("default.api.timeout.ms", 10_000);
            try (Admin admin = Admin.create(wrong)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> admin.describeCluster().nodes().get());
                assertTrue(e.getCause() instanceof SaslAuthenticationException, e.getCause().toString());
            }

            String registry = "mock://" + UUID.randomUUID();
            Map<String, String> appSettings = new HashMap<>(Map.of(
                    AppConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    AppConfig.REGISTRY_URL, registry,
                    AppConfig.APPLICATION_ID, APP_ID,
                    AppConfig.STATE_DIR, dir.resolve("state").toString(),
                    AppConfig.QUERY_ENABLED, "false",
                    AppConfig.DETECT_IDLE_AFTER, "PT2S",
                    AppConfig.DETECT_TICK, "PT1S"));
            kafka.clientSettings(SaslSslKafka.APP_USER, SaslSslKafka.APP_PASSWORD).forEach((k, v) -> appSettings.put(AppConfig.KAFKA_PREFIX + k, v));
            AppConfig config = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), appSettings);

            List<String> cliConnection = new ArrayList<>(List.of("-b", kafka.bootstrapServers(), "-r", registry));
            kafka.adminSettings().forEach((k, v) -> {
                cliConnection.add("--set");
                cliConnection.add(AppConfig.KAFKA_PREFIX + k + "=" + v);
            });

            try (TokenPulseApp app = TokenPulseApp.create(config).start()) {
                app.awaitRunning(Duration.ofSeconds(90));

                Path input = dir.resolve("events.jsonl");
                Files.writeString(input, String.join("\n",
                        "{\"kind\":\"lifecycle\",\"eventId\":\"l1\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\",\"type\":\"ISSUED\","
                                + "\"occurredAt\":\"2026-11-01T10:00:00Z\",\"principal\":\"checkout\",\"scopes\":[\"repo:read\"],"
                                + "\"expiresAt\":\"2026-12-01T00:00:00Z\",\"issuer\":\"github\"}",
                        "{\"kind\":\"usage\",\"eventId\":\"u1\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\",\"occurredAt\":\"2026-11-01T10:06:00Z\","
                                + "\"scope\":\"repo:read\",\"outcome\":\"ALLOWED\",\"principal\":\"intruder\"}",
                        "{\"kind\":\"usage\",\"eventId\":\"u2\",\"tokenId\":\"tok-1\",\"tenant\":\"acme\",\"occurredAt\":\"2026-11-01T10:20:00Z\","
                                + "\"scope\":\"repo:read\",\"outcome\":\"ALLOWED\",\"principal\":\"checkout\"}") + "\n");
                List<String> publish = new ArrayList<>(List.of("publish", "--format", "jsonl", input.toString()));
                publish.addAll(cliConnection);
                CliRun published = CliRun.of(publish.toArray(String[]::new));
                assertEquals(0, published.exitCode, published.toString());

                String alerts = "";
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!alerts.contains("PRINCIPAL_MISMATCH") && System.nanoTime() < deadline) {
                    List<String> read = new ArrayList<>(List.of("alerts", "--from-beginning", "--json", "--idle-timeout", "3"));
                    read.addAll(cliConnection);
                    CliRun r = CliRun.of(read.toArray(String[]::new));
                    assertEquals(0, r.exitCode, r.toString());
                    alerts = r.out;
                }
                assertTrue(alerts.contains("PRINCIPAL_MISMATCH") && alerts.contains("tok-1"), alerts);
                assertEquals(0, app.deadLetters().total());
                assertEquals(org.apache.kafka.streams.KafkaStreams.State.RUNNING, app.state());
            }

            // And nothing more: the app's principal cannot read what it writes
            Map<String, Object> appClient = new HashMap<>(config.kafkaClientProperties());
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(appClient, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                c.assign(List.of(new TopicPartition(TopicDef.ALERTS.defaultName(), 0)));
                c.seekToBeginning(c.assignment());
                assertThrows(TopicAuthorizationException.class, () -> c.poll(Duration.ofSeconds(10)));
            }
        }
    }
}
