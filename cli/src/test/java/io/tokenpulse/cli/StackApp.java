package io.tokenpulse.cli;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.local.testing.RealKafkaAndRegistry;
import io.tokenpulse.schemas.TopicDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One app's worth of the shared real broker and registry: the contract's topics under unique names, a unique application
 * id and state dir, fast idle detection, and the same settings as CLI flags, so the app and the CLI commands of a
 * test talk about the same topics.
 */
public final class StackApp {
    public final Map<TopicDef, String> topics;
    public final AppConfig config;
    private final List<String> cliArgs;
    private final Map<String, String> settings;

    public StackApp(RealKafkaAndRegistry stack, String name, Path stateDir) {
        this(stack, name, stateDir, 3, Map.of());
    }

    /**
     * {@code partitions} of every contract topic (3 keeps most tests light; a test of routing between instances wants
     * more, so that each instance owns several); {@code extra} settings on top (they win).
     */
    public StackApp(RealKafkaAndRegistry stack, String name, Path stateDir, int partitions, Map<String, String> extra) {
        topics = RealKafkaAndRegistry.uniqueTopicNames(name);
        stack.createTopics(topics, partitions);
        Map<String, String> settings = new HashMap<>();
        topics.forEach((t, n) -> settings.put(AppConfig.TOPIC_PREFIX + t.key(), n));
        settings.put(AppConfig.APPLICATION_ID, RealKafkaAndRegistry.unique(name + "-app"));
        settings.put(AppConfig.STATE_DIR, stateDir.toString());
        // Idle tasks catch up with the instance's event time after 2 s instead of 30 s.
        settings.put(AppConfig.DETECT_IDLE_AFTER, "PT2S");
        settings.put(AppConfig.DETECT_TICK, "PT1S");
        // Each app (and each 'run' process) its own free query port: tests and other checkouts share this host.
        settings.put(AppConfig.QUERY_PORT, "0");
        settings.putAll(extra);
        List<String> args = new ArrayList<>(List.of("-b", stack.bootstrapServers(), "-r", stack.registryUrl()));
        settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        cliArgs = List.copyOf(args);
        settings.put(AppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        settings.put(AppConfig.REGISTRY_URL, stack.registryUrl());
        config = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), settings);
        this.settings = Map.copyOf(settings);
    }

    /** The same app (application id, topics) with some settings changed: another instance, say. */
    public AppConfig configWith(Map<String, String> changes) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(changes);
        return AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), all);
    }

    /** 'tokenpulse run' on this app's settings as a JVM of its own (so a test can kill it), output to {@code log}. */
    public Process runProcess(Path log) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), TokenPulseCli.class.getName(), "run"));
        command.addAll(cliArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Runs a CLI command against this app's topics: {@code command} then the connection flags. */
    public CliRun cli(String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(cliArgs);
        return CliRun.of(all.toArray(String[]::new));
    }
}
