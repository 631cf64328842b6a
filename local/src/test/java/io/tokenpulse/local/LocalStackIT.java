package io.tokenpulse.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.schemas.TopicDef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SCHEMA = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Probe\\\","
            + "\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

    @TempDir
    Path home;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private LocalStack stack;

    @AfterEach
    void alwaysDown() {
        if (stack != null) {
            stack.down(false);
        }
    }

    @Test
    void upStatusDownLeavesNothingRunningAndKeepsDataForTheNextUp() throws Exception {
        stack = new LocalStack(home, new PrintStream(output, true, StandardCharsets.UTF_8));

        // Given a stack started into an empty home
        UpResult up = stack.up(StackOptions.defaults().withPartitions(3));

        // Then the SPEC topics exist with LogAppendTime
        assertFalse(up.alreadyRunning());
        assertEquals(TopicDef.values().length, up.createdTopics().size());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", up.bootstrapServers()))) {
            ConfigResource usage = new ConfigResource(ConfigResource.Type.TOPIC, TopicDef.USAGE.defaultName());
            Config config = admin.describeConfigs(List.of(usage)).all().get(10, TimeUnit.SECONDS).get(usage);
            assertEquals("LogAppendTime", config.get("message.timestamp.type").value());
            assertEquals(3, admin.describeTopics(List.of(TopicDef.USAGE.defaultName())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(TopicDef.USAGE.defaultName()).partitions().size());
        }
        Properties written = new Properties();
        written.load(Files.newBufferedReader(home.resolve(LocalStack.STATE_FILE)));
        assertEquals(up.bootstrapServers(), written.getProperty("bootstrap.servers"));
        assertEquals(up.registryUrl(), written.getProperty("schema.registry.url"));

        // And the registry registers and serves a schema through the Confluent API
        int id = register(up.registryUrl(), "it-probe-value");
        assertTrue(get(up.registryUrl() + "/schemas/ids/" + id).contains("Probe"));

        // And status sees both parts answering; a second up changes nothing
        StackStatus status = stack.status();
        assertTrue(status.kafka().answering(), status.kafka().describe());
        assertTrue(status.registry().answering(), status.registry().describe());
        assertTrue(stack.up(StackOptions.defaults()).alreadyRunning());
        List<Long> pids = List.of(status.kafka().pid(), status.registry().pid());

        // When it goes down
        assertTrue(stack.down(false));

        // Then no process of the stack is alive and status says so
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
        }
        assertFalse(stack.status().anyRunning());

        // And the next up finds the topics and the schema under the same id, on the same addresses
        UpResult again = stack.up(StackOptions.defaults());
        assertEquals(List.of(), again.createdTopics());
        assertEquals(up.bootstrapServers(), again.bootstrapServers());
        assertEquals(up.registryUrl(), again.registryUrl());
        assertTrue(get(again.registryUrl() + "/schemas/ids/" + id).contains("Probe"));
        assertEquals(id, register(again.registryUrl(), "it-probe-value"));

        StackStatus second = stack.status();
        stack.down(true);
        for (long pid : List.of(second.kafka().pid(), second.registry().pid())) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " alive");
        }
        assertFalse(Files.exists(home.resolve("kafka")));
        assertFalse(Files.exists(home.resolve(LocalStack.STATE_FILE)));
        String printed = output.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("already up"), printed);
        System.out.printf("kafka start %d ms, registry start %d ms; restart %d ms / %d ms%n",
                up.kafkaStartup().toMillis(), up.registryStartup().toMillis(),
                again.kafkaStartup().toMillis(), again.registryStartup().toMillis());
    }

    private static int register(String registryUrl, String subject) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(SCHEMA)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(response.body());
        assertTrue(m.find(), response.body());
        return Integer.parseInt(m.group(1));
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
