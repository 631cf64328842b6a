package io.tokenpulse.producers;

import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Publishes parsed lines: accepted events go to the publisher, rejected lines are collected. An event counts as
 * published only when the broker acknowledged it; a failed send is counted and reported, never dropped silently.
 * Prints nothing: progress and the summary go to the callbacks the caller gives.
 */
public final class PublishJob {
    /** How many rejections and send failures the summary keeps in full (all are counted). */
    public static final int KEPT_PROBLEMS = 1000;

    public record Progress(long read, long accepted, long rejected, long failed, Duration elapsed) {
        public double ratePerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : read / s;
        }
    }

    public record Summary(long read, long published, long rejected, long failedSends, List<LineResult.Rejected> rejections,
                          List<String> sendFailures, Duration elapsed) {
        public double ratePerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : published / s;
        }
    }

    private final TokenPulsePublisher publisher;
    private final Duration progressEvery;

    public PublishJob(TokenPulsePublisher publisher, Duration progressEvery) {
        this.publisher = publisher;
        this.progressEvery = progressEvery;
    }

    public Summary run(Stream<LineResult> lines, Consumer<LineResult.Rejected> onRejected, Consumer<Progress> onProgress) {
        long start = System.nanoTime();
        long[] read = {0};
        AtomicLong published = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<LineResult.Rejected> rejections = new ArrayList<>();
        long[] rejected = {0};
        List<String> sendFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long[] nextProgress = {start + progressEvery.toNanos()};

        lines.forEach(r -> {
            read[0]++;
            if (r instanceof LineResult.Rejected rej) {
                rejected[0]++;
                if (rejections.size() < KEPT_PROBLEMS) {
                    rejections.add(rej);
                }
                onRejected.accept(rej);
            } else if (r instanceof LineResult.Accepted acc) {
                pending.add(publisher.publish(acc.event()).whenComplete((m, e) -> {
                    if (e == null) {
                        published.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        if (sendFailures.size() < KEPT_PROBLEMS) {
                            sendFailures.add("line " + acc.lineNumber() + ": " + e.getMessage());
                        }
                    }
                }));
                if (pending.size() >= 10_000) {
                    pending.removeIf(CompletableFuture::isDone);
                }
            }
            long now = System.nanoTime();
            if (now >= nextProgress[0]) {
                nextProgress[0] = now + progressEvery.toNanos();
                onProgress.accept(new Progress(read[0], published.get(), rejected[0], failed.get(), Duration.ofNanos(now - start)));
            }
        });
        publisher.flush();
        for (CompletableFuture<?> f : pending) {
            f.exceptionally(e -> null).join();
        }
        return new Summary(read[0], published.get(), rejected[0], failed.get(), List.copyOf(rejections),
                List.copyOf(sendFailures), Duration.ofNanos(System.nanoTime() - start));
    }
}
