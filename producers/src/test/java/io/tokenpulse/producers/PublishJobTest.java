package io.tokenpulse.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.sdk.TestProducers;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;

class PublishJobTest {
    private static final Duration NEVER = Duration.ofDays(1);

    private static String usage(String tokenId) {
        return "{\"kind\":\"usage\",\"eventId\":\"e-" + tokenId + "\",\"tokenId\":\"" + tokenId
                + "\",\"tenant\":\"acme\",\"occurredAt\":\"2026-01-02T09:00:00Z\",\"scope\":\"s\",\"outcome\":\"ALLOWED\"}";
    }

    @Test
    void publishesTheSampleFile() throws Exception {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        try (Reader reader = new InputStreamReader(getClass().getResourceAsStream("/sample.jsonl"), StandardCharsets.UTF_8)) {
            PublishJob.Summary s = new PublishJob(new TokenPulsePublisher(mock, Map.of()), NEVER)
                    .run(new JsonLinesAdapter().parse(reader), r -> { }, p -> { });
            assertEquals(10, s.read());
            assertEquals(10, s.published());
            assertTrue(s.clean());
            assertEquals(10, mock.history().size());
        }
    }

    @Test
    void countsAcceptedRejectedAndFailedSends() {
        String input = String.join("\n",
                "# comment",              // 1
                usage("tok-1"),           // 2 published
                "{broken",                // 3 rejected
                usage("tok-fail"),        // 4 send fails
                "",                       // 5
                usage("tok-2"),           // 6 published
                "{\"kind\":\"usage\"}",   // 7 rejected
                usage("tok-fail"));       // 8 send fails
        List<LineResult.Rejected> seen = new ArrayList<>();
        PublishJob job = new PublishJob(new TokenPulsePublisher(TestProducers.failingFor(Set.of("tok-fail")), Map.of()), NEVER);
        PublishJob.Summary s = job.run(new StringReader(input), seen::add, p -> { });

        assertEquals(6, s.read());
        assertEquals(2, s.published());
        assertEquals(2, s.rejected());
        assertEquals(2, s.failedSends());
        assertEquals(s.read(), s.published() + s.rejected() + s.failedSends());
        assertEquals(List.of(3L, 7L), s.rejections().stream().map(LineResult::lineNumber).toList());
        assertEquals(s.rejections(), seen);
        assertEquals(2, s.sendFailures().size());
        assertTrue(s.sendFailures().get(0).startsWith("line 4: TimeoutException: Expiring 1 record(s)"), s.sendFailures().get(0));
        assertTrue(s.sendFailures().get(1).startsWith("line 8: "), s.sendFailures().get(1));
        assertFalse(s.clean());
    }

    @Test
    void unacknowledgedSendsCountAsFailedAfterTheDrainTimeout() {
        PublishJob job = new PublishJob(new TokenPulsePublisher(TestProducers.silent(), Map.of()), NEVER, 0, Duration.ofMillis(100));
        PublishJob.Summary s = job.run(new StringReader(usage("a") + "\n" + usage("b")), r -> { }, p -> { });
        assertEquals(2, s.read());
        assertEquals(0, s.published());
        assertEquals(2, s.failedSends());
        assertEquals(List.of("2 sends not acknowledged within PT0.1S"), s.sendFailures());
    }

    @Test
    void reportsProgressEveryNLines() {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            input.append(i % 5 == 4 ? "nope" : usage("tok-" + i)).append('\n');
        }
        List<PublishJob.Progress> progress = new ArrayList<>();
        PublishJob job = new PublishJob(new TokenPulsePublisher(TestProducers.acking(), Map.of()), NEVER, 10, NEVER);
        PublishJob.Summary s = job.run(new StringReader(input.toString()), r -> { }, progress::add);

        assertEquals(List.of(10L, 20L), progress.stream().map(PublishJob.Progress::read).toList());
        assertEquals(8, progress.get(0).accepted());
        assertEquals(2, progress.get(0).rejected());
        assertEquals(16, progress.get(1).accepted());
        assertTrue(progress.get(1).ratePerSecond() > 0);
        assertEquals(25, s.read());
        assertEquals(20, s.published());
        assertEquals(5, s.rejected());
    }

    @Test
    void keepsOnlyTheFirstRejectionsButCountsAll() {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < PublishJob.KEPT_PROBLEMS + 50; i++) {
            input.append("x\n");
        }
        PublishJob.Summary s = new PublishJob(new TokenPulsePublisher(TestProducers.acking(), Map.of()), NEVER)
                .run(new StringReader(input.toString()), r -> { }, p -> { });
        assertEquals(PublishJob.KEPT_PROBLEMS + 50, s.rejected());
        assertEquals(PublishJob.KEPT_PROBLEMS, s.rejections().size());
        assertEquals(1, s.rejections().get(0).lineNumber());
    }
}
