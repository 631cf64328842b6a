package io.tokenpulse.cli.publish;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.registry.SchemaRegistryClient;
import java.util.Properties;

/** The SDK publisher on the cluster and topic names of the layered config, for every command that publishes. */
public final class Publishers {
    private Publishers() {
    }

    public static TokenPulsePublisher open(AppConfig config, SchemaRegistryClient registry) {
        Properties props = new Properties();
        props.putAll(config.kafkaClientProperties());
        return TokenPulsePublisher.create(props, registry, config.topicNames());
    }
}
