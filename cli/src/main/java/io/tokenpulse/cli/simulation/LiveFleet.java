package io.tokenpulse.cli.simulation;

import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's live fleet ({@link DemoGenerator}) publishing on a thread of its own, for 'demo' and 'generate': it runs
 * until --duration passes, {@link #stop()} is called (a shutdown hook may, at any time, even before {@link #start}), or
 * the generator ends by itself; meanwhile the command is told every so often to report.
 */
public final class LiveFleet implements AutoCloseable {
    /** The tenant the fleet publishes as. */
    public static final String TENANT = DemoGenerator.TENANT;

    private final FleetOptions options;
    /** Counted down when the fleet is to stop or its generator has ended: whichever comes first ends {@link #await}. */
    private final CountDownLatch over = new CountDownLatch(1);
    private DemoGenerator generator;
    private Thread thread;
    private boolean stopped;

    public LiveFleet(FleetOptions options) {
        this.options = options;
    }

    /** Healthy usage events per second (--rate). */
    public double rate() {
        return options.rate;
    }

    /**
     * Starts publishing on a daemon thread {@code threadName}. A fleet stopped before it started still publishes its
     * opening (the policy and the tokens' history) but no live traffic.
     */
    public synchronized void start(TokenPulsePublisher publisher, String threadName) {
        if (generator != null) {
            throw new IllegalStateException("the fleet is already started");
        }
        generator = new DemoGenerator(publisher, options.rate, options.seed, Clock.systemUTC());
        if (stopped) {
            generator.stop();
        }
        thread = new Thread(() -> {
            try {
                generator.run();
            } finally {
                over.countDown();
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Blocks while the fleet publishes: until --duration has passed since this call (never, without it), the fleet is
     * stopped, or its generator ends. Runs {@code report} after each full {@code every} on the way; then stops the fleet.
     */
    public void await(Duration every, Runnable report) throws InterruptedException {
        long end = options.duration == null ? Long.MAX_VALUE : System.nanoTime() + options.duration.toNanos();
        try {
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0 || over.await(Math.min(every.toNanos(), left), TimeUnit.NANOSECONDS)) {
                    return;
                }
                report.run();
            }
        } finally {
            stop();
        }
    }

    /** Ends {@link #await} and the generator; safe from any thread, any number of times. */
    public synchronized void stop() {
        stopped = true;
        if (generator != null) {
            generator.stop();
        }
        over.countDown();
    }

    /** Events the broker acknowledged. */
    public synchronized long published() {
        return generator == null ? 0 : generator.published();
    }

    /** Events that failed to send. */
    public synchronized long failed() {
        return generator == null ? 0 : generator.failed();
    }

    /** Stops the fleet and waits (up to 10 s) for its thread to end, so that nothing more is sent. */
    @Override
    public void close() {
        stop();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
