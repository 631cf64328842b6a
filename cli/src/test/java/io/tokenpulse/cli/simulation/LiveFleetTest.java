package io.tokenpulse.cli.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The one loop of 'demo' and 'generate', on a producer that acknowledges at once: no broker. */
class LiveFleetTest {
    private static MockProducer<String, SpecificRecord> acking() {
        return new MockProducer<>(true, null, new StringSerializer(), (topic, value) -> new byte[0]);
    }

    private static FleetOptions options(double rate, Duration duration) {
        FleetOptions o = new FleetOptions();
        o.rate = rate;
        o.duration = duration;
        return o;
    }

    @Test
    void publishesUntilTheDurationAndReportsOnTheWay() throws Exception {
        MockProducer<String, SpecificRecord> producer = acking();
        AtomicInteger reports = new AtomicInteger();
        long start = System.nanoTime();
        try (TokenPulsePublisher publisher = new TokenPulsePublisher(producer, Map.of());
             LiveFleet live = new LiveFleet(options(200, Duration.ofMillis(700)))) {
            live.start(publisher, "test-generator");
            live.await(Duration.ofMillis(200), reports::incrementAndGet);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 700 && ms < 5_000, ms + " ms");
            live.close();
            long published = live.published();
            assertTrue(published > 43, "the opening (policy, history, tokens, deploy) and live traffic: " + published);
            assertEquals(producer.history().size(), published);
            assertEquals(0, live.failed());
            Thread.sleep(100);
            assertEquals(published, live.published(), "nothing is sent once closed");
        }
        // Every 200 ms within 700: three full periods and the last partial one (three when a busy machine stretches the waits).
        assertTrue(reports.get() == 3 || reports.get() == 4, reports + " reports");
    }

    @Test
    void stopFromAnotherThreadEndsTheWaitAtOnce() throws Exception {
        try (TokenPulsePublisher publisher = new TokenPulsePublisher(acking(), Map.of());
             LiveFleet live = new LiveFleet(options(50, null))) {
            live.start(publisher, "test-generator");
            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(live::stop);
            long start = System.nanoTime();
            live.await(Duration.ofSeconds(30), () -> {
                throw new AssertionError("no full period passed");
            });
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
    }

    @Test
    void aFleetStoppedBeforeItStartsSendsNoLiveTraffic() throws Exception {
        MockProducer<String, SpecificRecord> producer = acking();
        try (TokenPulsePublisher publisher = new TokenPulsePublisher(producer, Map.of());
             LiveFleet live = new LiveFleet(options(1000, null))) {
            live.stop(); // Ctrl-C while the demo is still starting its stack
            live.start(publisher, "test-generator");
            live.await(Duration.ofSeconds(30), () -> {
                throw new AssertionError("stopped: no wait");
            });
            live.close();
            // The policy, 1 + 20 history records, 20 tokens and a deployment: the opening only.
            assertEquals(43, producer.history().size());
        }
    }
}
