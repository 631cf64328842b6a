package io.tokenpulse.producers;

import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes parsed lines: accepted events go to the publisher, rejected lines are collected. An event counts as
 * published only when the broker acknowledged it; a failed send is counted and reported, never dropped silently:
 * at the end {@code read == published + rejected + failedSends}. Prints nothing and never exits: progress,
 * rejections and the summary go to the caller.
 *
 * <p>Memory stays flat whatever the input size: lines are pulled one at a time, and in-flight sends are
 * bounded by the producer's {@code buffer.memory} (a publish blocks when it is full), not held in a list.
 *
 * <p>The CLI's {@code publish --format jsonl FILE|-}:
 * <pre>{@code
 * PublishJob.Summary s = new PublishJob(publisher, Duration.ofSeconds(2))
 *         .run(new JsonLinesAdapter().parse(reader), rejected -> ..., progress -> ...);
 * }</pre>
 */
public final class PublishJob {
    private static final Logger LOG = LoggerFactory.getLogger(PublishJob.class);

    /** How many rejections and send failures the summary keeps in full (all are counted). */
    public static final int KEPT_PROBLEMS = 1000;
    /** How many distinct rejection codes are counted apart; the rest count as {@code other}. */
    public static final int MAX_REASON_CODES = 64;
    /** How long, after the final flush, the job waits for outstanding acknowledgements. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(3);

    /** A snapshot while the job runs; {@code accepted} counts acknowledged sends, {@code inFlight} those still waiting. */
    public record Progress(long read, long accepted, long rejected, long failed, long inFlight, Duration elapsed) {
        public Progress(long read, long accepted, long rejected, long failed, Duration elapsed) {
            this(read, accepted, rejected, failed, 0, elapsed);
        }

        /** Lines read per second so far. */
        public double ratePerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : read / s;
        }
    }

    /**
     * The outcome. {@code read}: lines that carried a record (blank and comment lines excluded);
     * {@code published}: acknowledged by the broker; {@code rejected}: lines that did not parse or validate;
     * {@code failedSends}: accepted lines the broker did not acknowledge (error or drain timeout).
     * {@code rejections} and {@code sendFailures} keep the first {@link #KEPT_PROBLEMS} of each;
     * {@code rejectedByReason} counts every rejection by its {@link LineResult.Rejected#code()}.
     * With the log adapters one record can give two results (a call that uses a key and issues another), so
     * {@code read} counts results: events plus rejections.
     */
    public record Summary(long read, long published, long rejected, long failedSends, List<LineResult.Rejected> rejections,
                          List<String> sendFailures, Duration elapsed, Map<String, Long> rejectedByReason) {
        public Summary {
            rejections = List.copyOf(rejections);
            sendFailures = List.copyOf(sendFailures);
            rejectedByReason = Collections.unmodifiableMap(new TreeMap<>(rejectedByReason));
        }

        public Summary(long read, long published, long rejected, long failedSends, List<LineResult.Rejected> rejections,
                       List<String> sendFailures, Duration elapsed) {
            this(read, published, rejected, failedSends, rejections, sendFailures, elapsed, Map.of());
        }

        /** Published events per second. */
        public double ratePerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : published / s;
        }

        /** True when every line went through: nothing rejected, nothing failed. */
        public boolean clean() {
            return rejected == 0 && failedSends == 0;
        }
    }

    private final TokenPulsePublisher publisher;
    private final Duration progressEvery;
    private final long progressEveryLines;
    private final Duration drainTimeout;

    /** Progress every {@code progressEvery} of wall time. */
    public PublishJob(TokenPulsePublisher publisher, Duration progressEvery) {
        this(publisher, progressEvery, 0, DEFAULT_DRAIN_TIMEOUT);
    }

    /**
     * @param progressEvery      report progress at most this often (wall time)
     * @param progressEveryLines also report every this many lines; 0 turns line-based reports off
     * @param drainTimeout       how long to wait for acknowledgements after the last line; sends still
     *                           unacknowledged then count as failed
     */
    public PublishJob(TokenPulsePublisher publisher, Duration progressEvery, long progressEveryLines, Duration drainTimeout) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.progressEvery = Objects.requireNonNull(progressEvery, "progressEvery");
        this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (progressEveryLines < 0) {
            throw new IllegalArgumentException("progressEveryLines must not be negative");
        }
        this.progressEveryLines = progressEveryLines;
    }

    /** Parses canonical JSON Lines from {@code input} and publishes them; the caller closes the reader. */
    public Summary run(Reader input, Consumer<LineResult.Rejected> onRejected, Consumer<Progress> onProgress) {
        try (Stream<LineResult> lines = new JsonLinesAdapter().parse(input)) {
            return run(lines, onRejected, onProgress);
        }
    }

    public Summary run(Stream<LineResult> lines, Consumer<LineResult.Rejected> onRejected, Consumer<Progress> onProgress) {
        Run run = new Run(System.nanoTime(), onRejected, onProgress);
        lines.forEach(run::accept);
        // flush() returns once every buffered record is acknowledged or failed; the drain also covers
        // producers whose callbacks run later (and MockProducer in tests).
        try {
            publisher.flush();
        } catch (RuntimeException e) {
            LOG.warn("Flushing the publisher failed; unacknowledged sends will count as failed", e);
        }
        return run.finish(drainTimeout);
    }

    /** The mutable state of one run; counters touched by producer callbacks are guarded by {@code this}. */
    private final class Run {
        private final long start;
        private final Consumer<LineResult.Rejected> onRejected;
        private final Consumer<Progress> onProgress;
        private final List<LineResult.Rejected> rejections = new ArrayList<>();
        private final List<String> sendFailures = new ArrayList<>();
        private final Map<String, Long> rejectedByReason = new TreeMap<>();
        private long read;
        private long rejected;
        private long published;
        private long failed;
        private long inFlight;
        private boolean finished;
        private long nextProgressNanos;

        Run(long start, Consumer<LineResult.Rejected> onRejected, Consumer<Progress> onProgress) {
            this.start = start;
            this.onRejected = Objects.requireNonNull(onRejected, "onRejected");
            this.onProgress = Objects.requireNonNull(onProgress, "onProgress");
            this.nextProgressNanos = start + progressEvery.toNanos();
        }

        void accept(LineResult line) {
            read++;
            if (line instanceof LineResult.Rejected rej) {
                rejected++;
                // Codes are the adapters' fixed words, but bounded anyway: a counter map never grows with the input.
                String code = rejectedByReason.containsKey(rej.code()) || rejectedByReason.size() < MAX_REASON_CODES - 1
                        ? rej.code() : "other";
                rejectedByReason.merge(code, 1L, Long::sum);
                if (rejections.size() < KEPT_PROBLEMS) {
                    rejections.add(rej);
                }
                onRejected.accept(rej);
            } else if (line instanceof LineResult.Accepted acc) {
                send(acc);
            }
            maybeReportProgress();
        }

        private void send(LineResult.Accepted acc) {
            synchronized (this) {
                inFlight++;
            }
            CompletableFuture<RecordMetadata> sent;
            try {
                sent = publisher.publish(acc.event());
            } catch (RuntimeException e) {
                // The publisher reports Kafka errors through the future; a throw is a refusal (secret guard).
                completed(acc.lineNumber(), e);
                return;
            }
            // completed() is where the outcome is counted; the future whenComplete returns would only repeat it.
            var unused = sent.whenComplete((metadata, error) -> completed(acc.lineNumber(), error));
        }

        private synchronized void completed(long lineNumber, Throwable error) {
            if (finished) {
                return; // late acknowledgement after the drain timeout: already counted as failed
            }
            inFlight--;
            if (error == null) {
                published++;
            } else {
                failed++;
                keepFailure("line " + lineNumber + ": " + io.tokenpulse.producers.adapters.Sanitizer.reason(describe(error)));
            }
            if (inFlight == 0) {
                notifyAll();
            }
        }

        private void maybeReportProgress() {
            long now = System.nanoTime();
            boolean byLines = progressEveryLines > 0 && read % progressEveryLines == 0;
            if (byLines || now >= nextProgressNanos) {
                nextProgressNanos = now + progressEvery.toNanos();
                Progress p;
                synchronized (this) {
                    p = new Progress(read, published, rejected, failed, inFlight, Duration.ofNanos(now - start));
                }
                onProgress.accept(p);
            }
        }

        synchronized Summary finish(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean interrupted = false;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (inFlight > 0) {
                LOG.warn("{} sends still unacknowledged after {}; counting them as failed", inFlight, timeout);
                failed += inFlight;
                keepFailure(inFlight + " sends not acknowledged within " + timeout);
                inFlight = 0;
            }
            finished = true;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return new Summary(read, published, rejected, failed, rejections, sendFailures,
                    Duration.ofNanos(System.nanoTime() - start), rejectedByReason);
        }

        private void keepFailure(String failure) {
            if (sendFailures.size() < KEPT_PROBLEMS) {
                sendFailures.add(failure);
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
