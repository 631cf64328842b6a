package io.tokenpulse.producers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.producers.adapters.CanonicalEvent;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.sdk.TestProducers;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import io.tokenpulse.schemas.TopicDef;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
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
    void anEventCountsAsPublishedOnlyOnceAcknowledgedAndAFailedSendIsReportedWithItsLine() {
        MockProducer<String, SpecificRecord> mock = TestProducers.pending();
        String input = String.join("\n", usage("tok-1"), usage("tok-2"), "# comment", usage("tok-3"), usage("tok-4"));
        List<PublishJob.Progress> progress = new ArrayList<>();
        PublishJob job = new PublishJob(new TokenPulsePublisher(mock, Map.of()), NEVER, 1, NEVER);

        PublishJob.Summary s = job.run(new StringReader(input), r -> { }, p -> {
            progress.add(p);
            if (p.read() == 3) {
                // The broker gives up on the oldest pending send (line 1), as after delivery.timeout.ms.
                mock.errorNext(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s) for token-usage-0"));
            }
        });

        assertEquals(List.of(1L, 2L, 3L, 4L), progress.stream().map(PublishJob.Progress::read).toList());
        assertEquals(List.of(0L, 0L, 0L, 0L), progress.stream().map(PublishJob.Progress::accepted).toList(), "nothing acknowledged while running");
        assertEquals(List.of(1L, 2L, 3L, 3L), progress.stream().map(PublishJob.Progress::inFlight).toList());
        assertEquals(List.of(0L, 0L, 0L, 1L), progress.stream().map(PublishJob.Progress::failed).toList());
        // flush() acknowledges the three still pending.
        assertEquals(4, s.read());
        assertEquals(3, s.published());
        assertEquals(1, s.failedSends());
        assertEquals(List.of("line 1: TimeoutException: Expiring 1 record(s) for token-usage-0"), s.sendFailures());
        assertEquals(s.read(), s.published() + s.rejected() + s.failedSends());
    }

    @Test
    void aPublishRefusedBeforeSendingIsAFailedSendThatNeverShowsTheSecret() {
        MockProducer<String, SpecificRecord> mock = TestProducers.acking();
        String pat = "ghp_" + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4";
        // An event built by hand (no adapter in front): the publisher's own guard must stop it.
        LineResult.Accepted good = (LineResult.Accepted) new JsonLinesAdapter().parseLine(1, usage("tok-1"));
        LineResult.Accepted sneaky = new LineResult.Accepted(2, new CanonicalEvent(TopicDef.USAGE, pat, good.event().value()));

        PublishJob.Summary s = new PublishJob(new TokenPulsePublisher(mock, Map.of()), NEVER)
                .run(Stream.of(good, sneaky), r -> { }, p -> { });

        assertEquals(1, s.published());
        assertEquals(1, s.failedSends());
        assertTrue(s.sendFailures().get(0).startsWith("line 2: SecretRejectedException: key looks like a GitHub token (ghp_****)"),
                s.sendFailures().get(0));
        assertFalse(s.sendFailures().get(0).contains(pat.substring(4, 10)));
        assertEquals(1, mock.history().size());
    }

    @Test
    void progressFiresByWallTimeToo() {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            input.append(usage("tok-" + i)).append('\n');
        }
        List<PublishJob.Progress> progress = new ArrayList<>();
        // Every zero seconds: each line is past the previous report's deadline.
        new PublishJob(new TokenPulsePublisher(TestProducers.acking(), Map.of()), Duration.ZERO)
                .run(new StringReader(input.toString()), r -> { }, progress::add);

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), progress.stream().map(PublishJob.Progress::read).toList());
        assertEquals(5, progress.get(4).accepted(), "MockProducer acknowledged each send at once");
        assertTrue(progress.stream().allMatch(p -> !p.elapsed().isNegative()));
    }

    @Test
    void rejectionsAreHandedOverAsTheyHappenWithTheirReasons() {
        List<String> seen = new ArrayList<>();
        String input = String.join("\n", "[1]", usage("tok-1"), "{\"kind\":\"usage\",\"tokenId\":\"t\"}");
        PublishJob.Summary s = new PublishJob(new TokenPulsePublisher(TestProducers.acking(), Map.of()), NEVER)
                .run(new StringReader(input), r -> seen.add(r.toString()), p -> { });

        assertEquals(List.of("line 1: not a JSON object",
                "line 3: eventId is missing; tenant is missing; occurredAt is missing; scope is missing; outcome is missing"), seen);
        assertEquals(1, s.published());
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
