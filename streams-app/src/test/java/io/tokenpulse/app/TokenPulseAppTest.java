package io.tokenpulse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.app.config.ConfigException;
import io.tokenpulse.registry.SchemaRegistryClient;
import io.tokenpulse.registry.SchemaRegistryClients;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's lifecycle without a broker (nothing here starts it). Running on a real broker and registry is
 * the {@code *IT} tier's job.
 */
class TokenPulseAppTest {
    @TempDir
    Path stateDir;

    @Test
    void anAppThatNeverRanReportsItStoppedWhenClosed() throws Exception {
        AppConfig config = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of(
                AppConfig.REGISTRY_URL, "mock://" + UUID.randomUUID(),
                AppConfig.STATE_DIR, stateDir.toString(),
                AppConfig.BOOTSTRAP_SERVERS, "localhost:1",
                AppConfig.QUERY_PORT, "0")); // other test JVMs on this host may hold the default port
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
        TokenPulseApp app = TokenPulseApp.create(config, registry, Clock.systemUTC());

        // Given an app that was created but not started
        assertEquals(KafkaStreams.State.CREATED, app.state());
        assertThrows(TimeoutException.class, () -> app.awaitRunning(Duration.ofMillis(50)));

        // When it is closed
        assertTrue(app.close(Duration.ofSeconds(10)));

        // Then it says it stopped, and that it never ran
        assertEquals(KafkaStreams.State.NOT_RUNNING, app.stopped().get());
        CompletionException e = assertThrows(CompletionException.class, () -> app.running().join());
        assertTrue(e.getCause().getMessage().contains("before it was running"));
        assertThrows(IllegalStateException.class, () -> app.awaitRunning(Duration.ofMillis(50)));
        assertEquals(0, app.deadLetters().total());
    }

    @Test
    void theStreamsGroupProtocolIsRefusedBecauseIdlenessNeedsTheConsumersReadToEnd() {
        AppConfig config = AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of(
                AppConfig.REGISTRY_URL, "mock://" + UUID.randomUUID(),
                AppConfig.STATE_DIR, stateDir.toString(),
                AppConfig.BOOTSTRAP_SERVERS, "localhost:1",
                AppConfig.QUERY_PORT, "0",
                "streams.group.protocol", "streams"));
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.registry().clientConfig());
        ConfigException e = assertThrows(ConfigException.class, () -> TokenPulseApp.create(config, registry, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("streams.group.protocol=streams is not supported"), e.getMessage());
    }

    @Test
    void onlyBrokerTroubleIsTransient() {
        assertTrue(TokenPulseApp.isTransient(new StreamsException(new NotLeaderOrFollowerException("moved"))));
        assertTrue(TokenPulseApp.isTransient(new org.apache.kafka.common.errors.TimeoutException("slow")));
        assertFalse(TokenPulseApp.isTransient(new StreamsException(new IllegalStateException("bug"))));
    }

    @Test
    void threadReplacementIsBounded() {
        TokenPulseApp.ThreadReplacements r = new TokenPulseApp.ThreadReplacements(2, Duration.ofMinutes(5));
        assertTrue(r.tryAcquire());
        assertTrue(r.tryAcquire());
        assertFalse(r.tryAcquire());
    }

    @Test
    void anInstanceWithAGroupInstanceIdIsAStaticMemberThatStaysInTheGroupOnClose() {
        assertTrue(TokenPulseApp.staticMember(AppConfig.load(Optional.empty(), Optional.empty(), Map.of(),
                Map.of("streams.group.instance.id", "tokenpulse-1"))));
        assertFalse(TokenPulseApp.staticMember(AppConfig.load(Optional.empty(), Optional.empty(), Map.of(), Map.of())));
        assertFalse(TokenPulseApp.staticMember(AppConfig.load(Optional.empty(), Optional.empty(), Map.of(),
                Map.of("streams.group.instance.id", " "))));
    }
}
