package io.tokenpulse.cli;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.Settings;
import io.tokenpulse.cli.stack.ClusterCheck;
import io.tokenpulse.cli.stack.Home;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, for every command that talks to it. Layers, lowest first: built-in defaults, the
 * local stack written by 'up', --config FILE, TOKENPULSE_* environment variables, these flags.
 */
public final class ConnectionOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with settings (see README: Configuration).")
    Path config;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (default: the local stack, if up).")
    String bootstrapServers;

    @Option(names = {"-r", "--schema-registry-url"}, paramLabel = "URL",
            description = "Confluent-compatible schema registry URL (default: the local stack, if up).")
    String registryUrl;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any setting, e.g. --set topic.usage=acme.usage --set kafka.security.protocol=SSL.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * The settings, once something answers at the Kafka and registry addresses they name: every command that loads
     * them is about to connect, and a cluster that is not there is better said at once (see {@link ClusterCheck}).
     */
    public AppConfig load() {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            overrides.put(AppConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (registryUrl != null) {
            overrides.put(AppConfig.REGISTRY_URL, registryUrl);
        }
        Settings layers = AppConfig.layers(Optional.ofNullable(config), Optional.of(Home.stackFile()), System.getenv(), overrides);
        AppConfig loaded = AppConfig.from(layers);
        ClusterCheck.require(loaded, layers);
        return loaded;
    }
}
