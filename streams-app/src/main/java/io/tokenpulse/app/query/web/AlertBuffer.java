package io.tokenpulse.app.query.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The most recent alerts this instance has read, oldest first, each numbered in arrival order. Bounded: the feed is
 * for watching what happens now and for a token's recent alerts, not an archive (token-alerts is). Sequence numbers
 * are this instance's own, so a browser resumes with {@code after=} only on the instance it talks to.
 */
public final class AlertBuffer {
    /** One alert as the API shows it, with its place in this buffer. */
    public record Entry(long seq, String tenant, Map<String, Object> view) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long nextSeq = 1;

    public AlertBuffer(int capacity) {
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    public void append(String tenant, Map<String, Object> view) {
        synchronized (this) {
            if (entries.size() == capacity) {
                entries.pollFirst();
            }
            long seq = nextSeq++;
            Map<String, Object> withSeq = new java.util.LinkedHashMap<>();
            withSeq.put("seq", seq);
            withSeq.putAll(view);
            entries.addLast(new Entry(seq, tenant, withSeq));
        }
        listeners.forEach(Runnable::run);
    }

    /** Called (on the appending thread) after each new alert: keep it short. */
    public void onAppend(Runnable listener) {
        listeners.add(listener);
    }

    /** Up to {@code limit} matching entries after {@code afterSeq}, oldest first. */
    public synchronized List<Entry> after(long afterSeq, Predicate<Entry> filter, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.seq() > afterSeq && filter.test(e)) {
                out.add(e);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** The newest {@code limit} matching entries, newest first. */
    public synchronized List<Entry> latest(Predicate<Entry> filter, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && out.size() < limit; ) {
            Entry e = it.next();
            if (filter.test(e)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized long lastSeq() {
        return nextSeq - 1;
    }

    public synchronized int size() {
        return entries.size();
    }
}
