package io.tokenpulse.app.query.web;

import io.tokenpulse.app.query.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live alert feed as server-sent events ({@code text/event-stream}): one {@code alert} event per new alert that
 * passes the subscriber's filter, its {@code id} the buffer's sequence number. Asynchronous: a subscriber holds no
 * thread, one pump thread writes to all of them, woken by each new alert (and every 250 ms, so a write that was
 * still in flight is followed up). A comment line every 10 s keeps idle connections and proxies alive and finds
 * browsers that left (the write fails).
 */
final class AlertStream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertStream.class);
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Alerts written to one subscriber per pump: a burst (a replay) goes out in bounded slices. */
    private static final int BATCH = 200;

    private final AlertBuffer buffer;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService pump = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tokenpulse-dashboard-sse");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakeQueued = new AtomicBoolean();

    AlertStream(AlertBuffer buffer) {
        this.buffer = buffer;
        // Nothing to wait for: pumpAll catches what a subscriber throws, and close() ends the schedule with the pump.
        var unused = pump.scheduleWithFixedDelay(this::pumpAll, 250, 250, TimeUnit.MILLISECONDS);
        buffer.onAppend(() -> {
            if (wakeQueued.compareAndSet(false, true)) {
                pump.execute(this::pumpAll);
            }
        });
    }

    /** Starts streaming to this response; {@code after} < 0 means from now on. */
    void open(Response response, Callback callback, Predicate<AlertBuffer.Entry> filter, long after) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // Reverse proxies (nginx) otherwise buffer the stream and the 2 s promise is gone.
        response.getHeaders().put("X-Accel-Buffering", "no");
        Subscriber s = new Subscriber(response, callback, filter, after < 0 ? buffer.lastSeq() : after);
        subscribers.add(s);
        pump.execute(() -> s.write("retry: 2000\n: connected\n\n"));
    }

    int subscribers() {
        return subscribers.size();
    }

    private void pumpAll() {
        wakeQueued.set(false);
        for (Subscriber s : subscribers) {
            try {
                s.pump();
            } catch (RuntimeException e) {
                log.debug("Dropping a feed subscriber: {}", e.toString());
                s.fail(e);
            }
        }
    }

    @Override
    public void close() {
        pump.shutdownNow();
        for (Subscriber s : subscribers) {
            s.end();
        }
        subscribers.clear();
    }

    private final class Subscriber {
        private final Response response;
        private final Callback callback;
        private final Predicate<AlertBuffer.Entry> filter;
        private long lastSeq;
        private volatile boolean writing;
        private long lastWrite = System.nanoTime();

        Subscriber(Response response, Callback callback, Predicate<AlertBuffer.Entry> filter, long lastSeq) {
            this.response = response;
            this.callback = callback;
            this.filter = filter;
            this.lastSeq = lastSeq;
        }

        /** On the pump thread only. */
        void pump() {
            if (writing) {
                return;
            }
            List<AlertBuffer.Entry> next = buffer.after(lastSeq, filter, BATCH);
            if (!next.isEmpty()) {
                StringBuilder chunk = new StringBuilder();
                for (AlertBuffer.Entry e : next) {
                    chunk.append("id: ").append(e.seq()).append("\nevent: alert\ndata: ")
                            .append(new String(Json.bytes(e.view()), StandardCharsets.UTF_8)).append("\n\n");
                }
                lastSeq = next.get(next.size() - 1).seq();
                write(chunk.toString());
            } else if (System.nanoTime() - lastWrite > HEARTBEAT_NANOS) {
                write(": ping\n\n");
            }
        }

        void write(String chunk) {
            writing = true;
            lastWrite = System.nanoTime();
            response.write(false, ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8)), Callback.from(
                    () -> writing = false, this::fail));
        }

        void fail(Throwable why) {
            if (subscribers.remove(this)) {
                callback.failed(why);
            }
        }

        void end() {
            if (writing) {
                callback.failed(new IllegalStateException("the instance is stopping"));
            } else {
                response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            }
        }
    }
}
