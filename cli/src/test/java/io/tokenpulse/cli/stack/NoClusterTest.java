package io.tokenpulse.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.cli.CliRun;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no cluster to talk to, every command that needs one says so within 2 s, names the command or flag that fixes
 * it, prints no Kafka client log line, and exits 2. No broker runs here: the addresses are ports nobody listens on.
 */
class NoClusterTest {
    private static final long LIMIT_MS = 2000;

    @TempDir
    Path home;

    private String previousHome;

    @BeforeEach
    void emptyHome() {
        previousHome = System.getProperty("tokenpulse.home");
        System.setProperty("tokenpulse.home", home.toString()); // no stack.properties: the local stack is not up
    }

    @AfterEach
    void restoreHome() {
        if (previousHome == null) {
            System.clearProperty("tokenpulse.home");
        } else {
            System.setProperty("tokenpulse.home", previousHome);
        }
    }

    /** The commands that need the cluster, each with the arguments it needs besides the address. */
    private List<String[]> commands() throws IOException {
        Path events = Files.writeString(home.resolve("events.jsonl"), "{\"kind\":\"usage\"}\n", StandardCharsets.UTF_8);
        // A real truth file for 'evaluate' (which reads it before it looks for the cluster), from 'simulate --out',
        // which writes files only and so needs no cluster at all.
        Path truth = home.resolve("truth.jsonl");
        CliRun simulated = CliRun.of("simulate", "--tenants", "1", "--tokens", "10", "--days", "8",
                "--out", home.resolve("fleet.jsonl").toString(), "--truth", truth.toString());
        assertEquals(0, simulated.exitCode, simulated.toString());
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {"publish", "--format", "jsonl", events.toString()});
        c.add(new String[] {"alerts"});
        c.add(new String[] {"reports"});
        c.add(new String[] {"incidents"});
        c.add(new String[] {"simulate", "--tenants", "1", "--tokens", "10", "--days", "8"});
        c.add(new String[] {"run"});
        c.add(new String[] {"generate"});
        c.add(new String[] {"evaluate", "--truth", truth.toString()});
        return c;
    }

    @Test
    void aBootstrapFlagNobodyAnswersIsReportedAtOnceForEveryCommand() throws IOException {
        String kafka = "127.0.0.1:" + freePort();
        for (String[] command : commands()) {
            CliRun run = timed(with(command, "--bootstrap-servers", kafka));
            assertEquals(2, run.exitCode, run.toString());
            assertTrue(run.err.contains("Kafka does not answer at " + kafka + " (set by command line)"), run.toString());
            assertTrue(run.err.contains("--bootstrap-servers"), run.toString());
            assertTrue(run.err.contains("./tokenpulse up"), run.toString());
            assertQuiet(run);
        }
    }

    @Test
    void aStoppedLocalStackIsReportedWithTheCommandThatStartsIt() throws IOException {
        int kafkaPort = freePort();
        Files.writeString(home.resolve("stack.properties"),
                "bootstrap.servers=127.0.0.1:" + kafkaPort + "\nschema.registry.url=http://127.0.0.1:" + freePort() + "\n",
                StandardCharsets.UTF_8);
        for (String[] command : commands()) {
            CliRun run = timed(command);
            assertEquals(2, run.exitCode, run.toString());
            assertTrue(run.err.contains("Kafka of the local stack does not answer at 127.0.0.1:" + kafkaPort
                    + ": the stack is stopped."), run.toString());
            assertTrue(run.err.contains("Start it with ./tokenpulse up"), run.toString());
            assertQuiet(run);
        }
    }

    @Test
    void aRegistryNobodyAnswersIsReportedWhenKafkaAnswers() throws IOException {
        try (ServerSocket kafka = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String registry = "http://127.0.0.1:" + freePort();
            CliRun run = timed(new String[] {"alerts", "-b", "127.0.0.1:" + kafka.getLocalPort(), "-r", registry});
            assertEquals(2, run.exitCode, run.toString());
            assertTrue(run.err.contains("The schema registry does not answer at " + registry + " (set by command line)"),
                    run.toString());
            assertTrue(run.err.contains("--schema-registry-url"), run.toString());
            assertQuiet(run);
        }
    }

    @Test
    void withNothingUpAndNoAddressTheMessageSaysBothWaysOut() throws IOException {
        // The built-in default is the usual local port; this only runs where nothing listens there.
        Assumptions.assumeFalse(ClusterCheck.anyAnswers(ClusterCheck.kafkaAddresses("localhost:9092")),
                "something listens on localhost:9092 here");
        for (String[] command : commands()) {
            CliRun run = timed(command);
            assertEquals(2, run.exitCode, run.toString());
            assertTrue(run.err.contains("No cluster to talk to: the local stack is not up (there is no "
                    + home.resolve("stack.properties").toAbsolutePath().normalize() + ") and no --bootstrap-servers was given"),
                    run.toString());
            assertTrue(run.err.contains("Start the local stack with ./tokenpulse up, or name a cluster with"
                    + " --bootstrap-servers HOST:PORT."), run.toString());
            assertQuiet(run);
        }
    }

    @Test
    void addressesAreReadAsTheClientsReadThem() {
        assertEquals(List.of(InetSocketAddress.createUnresolved("b1", 9092), InetSocketAddress.createUnresolved("b2", 9093),
                        InetSocketAddress.createUnresolved("::1", 9094)),
                ClusterCheck.kafkaAddresses("b1, b2:9093,[::1]:9094"));
        assertEquals(List.of(InetSocketAddress.createUnresolved("r1", 443), InetSocketAddress.createUnresolved("r2", 8081)),
                ClusterCheck.registryAddresses("https://r1,http://r2:8081/apis/ccompat/v7"));
        assertEquals(List.of(), ClusterCheck.registryAddresses("mock://in-memory"), "Confluent's in-memory registry");
        assertTrue(ClusterCheck.anyAnswers(List.of()), "nothing to probe: the clients speak for themselves");
    }

    private static CliRun timed(String[] args) {
        long start = System.nanoTime();
        CliRun run = CliRun.of(args);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < LIMIT_MS, String.join(" ", args) + " took " + ms + " ms\n" + run);
        return run;
    }

    /** Only our message: no Kafka client log line, no stack trace, nothing on standard output but help text. */
    private static void assertQuiet(CliRun run) {
        assertFalse(run.err.contains("WARN"), run.toString());
        assertFalse(run.err.contains("org.apache.kafka"), run.toString());
        assertFalse(run.err.contains("\tat "), run.toString());
        assertEquals(2, run.err.strip().split("\\R").length, "two lines: the problem and the fix\n" + run);
    }

    private static String[] with(String[] command, String... more) {
        String[] all = new String[command.length + more.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(more, 0, all, command.length, more.length);
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
