package io.tokenpulse.cli.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;

/**
 * A one-node KRaft Kafka in this JVM whose only client listener is SASL_SSL (SASL/PLAIN over TLS, certificate made
 * here by keytool) with ACLs enforced: {@code admin} is a super user, {@code app} and any other user get exactly the
 * ACLs a test grants. The controller listener stays on loopback plaintext (the broker talking to itself).
 */
final class SaslSslKafka implements AutoCloseable {
    static final String PASSWORD = "sasl-ssl-test-pass";
    static final String APP_USER = "app";
    static final String APP_PASSWORD = "app-secret-9f2c";
    private static final String ADMIN_PASSWORD = "admin-secret-71ab";

    private final KafkaRaftServer server;
    private final int port;
    final Path truststore;

    private SaslSslKafka(KafkaRaftServer server, int port, Path truststore) {
        this.server = server;
        this.port = port;
        this.truststore = truststore;
    }

    static SaslSslKafka start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path keystore = dir.resolve("broker.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-alias", "broker", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        Path truststore = dir.resolve("truststore.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", ks.getCertificate("broker"));
        try (OutputStream o = Files.newOutputStream(truststore)) {
            trust.store(o, PASSWORD.toCharArray());
        }

        int port = io.tokenpulse.local.Ports.freePort("127.0.0.1");
        int controller = io.tokenpulse.local.Ports.freePort("127.0.0.1");
        Path data = dir.resolve("data");
        Properties b = new Properties();
        b.put("node.id", "1");
        b.put("process.roles", "broker,controller");
        b.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        b.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
        b.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
        b.put("inter.broker.listener.name", "SASL_SSL");
        b.put("controller.listener.names", "CONTROLLER");
        b.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        b.put("log.dirs", data.toString());
        b.put("metadata.log.dir", data.toString());
        b.put("sasl.enabled.mechanisms", "PLAIN");
        b.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        b.put("listener.name.sasl_ssl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"admin\" password=\"" + ADMIN_PASSWORD + "\" user_admin=\"" + ADMIN_PASSWORD + "\""
                + " user_" + APP_USER + "=\"" + APP_PASSWORD + "\";");
        b.put("ssl.keystore.location", keystore.toString());
        b.put("ssl.keystore.password", PASSWORD);
        b.put("ssl.keystore.type", "PKCS12");
        b.put("ssl.truststore.location", truststore.toString());
        b.put("ssl.truststore.password", PASSWORD);
        b.put("ssl.truststore.type", "PKCS12");
        b.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The controller listener is loopback plaintext: its principal is ANONYMOUS, the broker itself.
        b.put("super.users", "User:admin;User:ANONYMOUS");
        b.put("allow.everyone.if.no.acl.found", "false");
        for (String k : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr", "default.replication.factor", "min.insync.replicas")) {
            b.put(k, "1");
        }
        b.put("offsets.topic.num.partitions", "3");
        b.put("transaction.state.log.num.partitions", "3");
        b.put("group.initial.rebalance.delay.ms", "0");
        b.put("auto.create.topics.enable", "false");
        b.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        KafkaConfig config = KafkaConfig.fromProps(b, false);
        Files.createDirectories(data);
        new Formatter().setPrintStream(new PrintStream(PrintStream.nullOutputStream())).setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString()).setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER").setMetadataLogDirectory(config.metadataLogDir())
                .addDirectory(data.toString()).setWriteBootstrapSnapshot(true).setHasDynamicQuorum(false)
                .setIgnoreFormatted(true).run();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        SaslSslKafka kafka = new SaslSslKafka(server, port, truststore);
        kafka.awaitServing(Duration.ofSeconds(60));
        return kafka;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** {@code kafka.*} settings (without the prefix) for a client of this user. */
    Map<String, String> clientSettings(String user, String password) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("security.protocol", "SASL_SSL");
        s.put("sasl.mechanism", "PLAIN");
        s.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";");
        s.put("ssl.truststore.location", truststore.toString());
        s.put("ssl.truststore.password", PASSWORD);
        s.put("ssl.truststore.type", "PKCS12");
        return s;
    }

    Map<String, Object> adminClient() {
        Map<String, Object> c = new LinkedHashMap<>(clientSettings("admin", ADMIN_PASSWORD));
        c.put("bootstrap.servers", bootstrapServers());
        return c;
    }

    Map<String, String> adminSettings() {
        return clientSettings("admin", ADMIN_PASSWORD);
    }

    private void awaitServing(Duration timeout) throws Exception {
        Map<String, Object> c = adminClient();
        c.put("request.timeout.ms", 3_000);
        c.put("default.api.timeout.ms", 5_000);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(c)) {
            while (true) {
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the SASL_SSL broker did not serve within " + timeout, e);
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
