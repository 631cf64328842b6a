package io.tokenpulse.app.ingest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts dead letters by stage and source topic since start, for the query layer and the CLI. One instance per
 * running app, handed to the exception handlers through the streams config ({@link DeadLetters#COUNTER_CONFIG}).
 */
public final class DeadLetterCounter {
    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

    /** A count's dimensions. */
    public record Key(DeadLetters.Stage stage, String topic) {
    }

    public void increment(DeadLetters.Stage stage, String topic) {
        counts.computeIfAbsent(new Key(stage, String.valueOf(topic)), k -> new LongAdder()).increment();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long count(DeadLetters.Stage stage) {
        return counts.entrySet().stream().filter(e -> e.getKey().stage() == stage).mapToLong(e -> e.getValue().sum()).sum();
    }

    /** A copy of every count, e.g. {@code {VALIDATION token-usage=3}}. */
    public Map<Key, Long> snapshot() {
        Map<Key, Long> out = new TreeMap<>(java.util.Comparator.comparing(Key::stage).thenComparing(Key::topic));
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public String toString() {
        return "DeadLetterCounter" + snapshot();
    }
}
