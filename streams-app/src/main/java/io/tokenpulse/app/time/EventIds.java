package io.tokenpulse.app.time;

import io.tokenpulse.app.state.WriteBehindStore;
import io.tokenpulse.serde.ByteSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * De-duplication by eventId over {@code dedupWindow} of event time. A copy within the window of the first changes
 * nothing, however far apart the two arrived. A record older than the window behind the newest one seen cannot be
 * checked (its ids may be gone): it counts as new, and is late anyway.
 *
 * <p>Two stores keep the ids. The <em>log</em> (logged, behind a {@link WriteBehindStore}) is what survives: at each
 * commit the ids first seen since the last one are written as packs of up to {@link #PACK_BYTES}, one RocksDB write
 * and one changelog record per pack, grouped by a bucket of event time so that a bucket older than the window goes as a
 * whole. The <em>index</em> (unlogged RocksDB, id to event time) answers "seen?" for one id; it is written from the
 * log's packs in the same commit, as one write batch. Before, a window store took a RocksDB put and a changelog record
 * per id: a fifth of the intake in issue 11's profiles.
 *
 * <p>The index is derived, so it can be rebuilt. Each write puts a fresh random stamp in both stores; a task that
 * starts with an index whose stamp is not the log's (the index was lost, belongs to another run of the task, or holds
 * ids of a write whose transaction never committed) empties the index and fills it again from the packs. Under
 * exactly-once the log holds exactly what was committed, so the index never answers from an uncommitted id.
 *
 * <p>Nearly every id is new: a {@link SeenFilter} of every id in the index answers "never seen" from memory, and only a
 * "maybe" asks the index. It is built when the task starts and again whenever it has taken in more ids than it was
 * sized for.
 */
public final class EventIds {
    private static final Logger LOG = LoggerFactory.getLogger(EventIds.class);
    /** Ids the first filter is sized for; a rebuilt one holds twice what the index held then. */
    private static final long INITIAL_CAPACITY = 1L << 20;
    /** A pack is closed before it passes this size (well under a changelog record's limit). */
    static final int PACK_BYTES = 256 * 1024;
    /** How many buckets of event time a window spans: ids outlive the window by at most one bucket. */
    private static final int BUCKETS_PER_WINDOW = 16;
    /** Index writes per write batch when the index is emptied or filled again. */
    private static final int BATCH = 10_000;
    private static final byte PACK = 'p';
    private static final byte SUPERSEDED = 's';
    private static final Bytes HEAD = Bytes.wrap(new byte[] {'h'});
    /** The index's stamp, under a key no id has (the pipeline's ids start with their source's letter). */
    static final String STAMP = "\u0000stamp";
    private static final SplittableRandom STAMPS = new SplittableRandom();

    private final WriteBehindStore<Bytes, byte[]> log;
    private final KeyValueStore<String, Long> index;
    private final long windowMs;
    private final long bucketMs;
    /** Ids first seen since the last write, with their event time. */
    private final Map<String, Long> fresh = new LinkedHashMap<>();
    /**
     * Ids seen again after the window and kept at the later time, by the bucket of the earlier: when that bucket goes,
     * the index keeps them. Rare (an eventId used again a window later), so kept in memory.
     */
    private final Map<Long, Set<String>> superseded = new HashMap<>();
    private final List<KeyValue<Long, String>> supersededFresh = new ArrayList<>();
    private final SplittableRandom stamps;
    private long newest = Long.MIN_VALUE;
    private long nextPack;
    private SeenFilter seen;

    /**
     * Over {@code log} (Kafka Streams' handle on a {@link WriteBehindStore}) and {@code index} (an unlogged store),
     * rebuilding the index from the log when the two disagree.
     */
    public EventIds(KeyValueStore<Bytes, byte[]> log, KeyValueStore<String, Long> index, long windowMs) {
        this.log = WriteBehindStore.<Bytes, byte[]>in(log)
                .orElseThrow(() -> new IllegalArgumentException("the eventId log needs a write-behind store"));
        this.index = index;
        this.windowMs = windowMs;
        this.bucketMs = Math.max(1, windowMs / BUCKETS_PER_WINDOW);
        synchronized (STAMPS) {
            this.stamps = STAMPS.split();
        }
        this.log.beforeWrite(this::write);
        byte[] head = this.log.get(HEAD);
        Long stamp = null;
        if (head != null) {
            ByteBuffer b = ByteBuffer.wrap(head);
            stamp = b.getLong();
            nextPack = b.getLong();
            newest = b.getLong();
        }
        if (!Objects.equals(stamp, index.get(STAMP))) {
            rebuild(stamp);
        }
        try (KeyValueIterator<Bytes, byte[]> it = this.log.writtenRange(Bytes.wrap(new byte[] {SUPERSEDED}),
                Bytes.wrap(new byte[] {SUPERSEDED + 1}))) {
            while (it.hasNext()) {
                byte[] k = it.next().key.get();
                long bucket = ByteBuffer.wrap(k, 1, 8).getLong();
                superseded.computeIfAbsent(bucket, b -> new HashSet<>()).add(new String(k, 9, k.length - 9, StandardCharsets.UTF_8));
            }
        }
        this.seen = build(index, INITIAL_CAPACITY);
    }

    /**
     * Takes in the ids that the window store of a build before the packs holds, and empties it: an upgrade keeps
     * catching copies of what the old build saw. Once emptied, the store is only read (and found empty) at start.
     */
    public long adopt(WindowStore<String, Long> legacy) {
        List<KeyValue<Windowed<String>, Long>> old = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, Long> it = legacy.all()) {
            it.forEachRemaining(old::add);
        }
        for (KeyValue<Windowed<String>, Long> kv : old) {
            firstSight(kv.key.key(), kv.key.window().start());
            legacy.put(kv.key.key(), null, kv.key.window().start());
        }
        if (!old.isEmpty()) {
            LOG.info("{} eventIds taken over from the window store of an earlier build", old.size());
        }
        return old.size();
    }

    /** True the first time {@code eventId} is seen within the window around {@code at}; remembers it. */
    public boolean firstSight(String eventId, long at) {
        Long prior = null;
        boolean written = false;
        if (seen.mightContain(eventId)) {
            prior = fresh.get(eventId);
            if (prior == null) {
                prior = index.get(eventId);
                written = prior != null;
            }
            if (prior != null && Math.abs(at - prior) <= windowMs) {
                return false;
            }
        }
        newest = Math.max(newest, at);
        if (at >= 0 && at > newest - windowMs) {
            // Kept at the later time: the earlier is more than a window before it, so it can match nothing checkable.
            fresh.put(eventId, at);
            if (written) {
                supersededFresh.add(KeyValue.pair(prior / bucketMs, eventId));
            }
            seen.add(eventId);
            if (seen.full()) {
                write(); // the new filter is built from the index: everything seen must be in it
                seen = build(index, seen.capacity());
            }
        }
        return true;
    }

    /** Writes what changed since the last write: new packs, gone buckets and the index, under a new stamp. */
    private void write() {
        long expiredBefore = newest == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(newest - windowMs, bucketMs);
        List<KeyValue<String, Long>> indexWrites = new ArrayList<>(fresh.size() + 1);
        boolean supersedes = !supersededFresh.isEmpty();
        for (KeyValue<Long, String> s : supersededFresh) {
            superseded.computeIfAbsent(s.key, b -> new HashSet<>()).add(s.value);
            log.put(supersededKey(s.key, s.value), new byte[0]);
        }
        supersededFresh.clear();
        // Before the new ids: an id seen again is registered above, so its old bucket going leaves it in the index.
        boolean expired = expire(expiredBefore, indexWrites);
        if (fresh.isEmpty() && !supersedes && !expired) {
            return;
        }
        // Grouped by bucket (in order, so that a rebuild meets an id's later time last), each in packs.
        TreeMap<Long, List<String>> byBucket = new TreeMap<>();
        for (Map.Entry<String, Long> e : fresh.entrySet()) {
            long bucket = e.getValue() / bucketMs;
            if (bucket >= expiredBefore) {
                byBucket.computeIfAbsent(bucket, b -> new ArrayList<>()).add(e.getKey());
            }
        }
        ByteSink pack = new ByteSink(4096);
        for (Map.Entry<Long, List<String>> b : byBucket.entrySet()) {
            for (String id : b.getValue()) {
                if (pack.size() >= PACK_BYTES) {
                    log.putNew(packKey(b.getKey(), nextPack++), pack.toByteArray());
                    pack.truncate(0);
                }
                long at = fresh.get(id);
                pack.writeLong(at);
                pack.writeString(id);
                indexWrites.add(KeyValue.pair(id, at));
            }
            log.putNew(packKey(b.getKey(), nextPack++), pack.toByteArray());
            pack.truncate(0);
        }
        fresh.clear();
        long stamp = stamps.nextLong();
        log.put(HEAD, ByteBuffer.allocate(24).putLong(stamp).putLong(nextPack).putLong(newest).array());
        indexWrites.add(KeyValue.pair(STAMP, stamp));
        index.putAll(indexWrites); // one write batch, the stamp with the ids
    }

    /**
     * Deletes the packs of buckets before {@code bucket}, and their ids from the index unless kept at a later time.
     * True when there was one.
     */
    private boolean expire(long bucket, List<KeyValue<String, Long>> indexWrites) {
        if (bucket <= 0) {
            return false;
        }
        List<Bytes> gone = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = log.writtenRange(packKey(0, 0), packKey(bucket - 1, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                long b = ByteBuffer.wrap(kv.key.get(), 1, 8).getLong();
                Set<String> kept = superseded.getOrDefault(b, Set.of());
                read(kv.value, (id, at) -> {
                    if (!kept.contains(id)) {
                        indexWrites.add(KeyValue.pair(id, null));
                    }
                });
                gone.add(kv.key);
            }
        }
        for (Bytes key : gone) {
            log.discard(key);
        }
        superseded.keySet().removeIf(b -> {
            if (b >= bucket) {
                return false;
            }
            for (String id : superseded.get(b)) {
                log.discard(supersededKey(b, id));
            }
            return true;
        });
        return !gone.isEmpty();
    }

    /** Empties the index and fills it again from the packs, under {@code stamp} (none: the log was never written). */
    private void rebuild(Long stamp) {
        long removed = 0;
        List<KeyValue<String, Long>> batch = new ArrayList<>(BATCH);
        try (KeyValueIterator<String, Long> it = index.all()) {
            while (it.hasNext()) {
                batch.add(KeyValue.pair(it.next().key, null));
                if (batch.size() == BATCH) {
                    removed += flush(batch);
                }
            }
        }
        removed += flush(batch);
        long added = 0;
        long packs = 0;
        try (KeyValueIterator<Bytes, byte[]> it = log.writtenRange(packKey(0, 0), packKey(Long.MAX_VALUE, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                packs++;
                read(it.next().value, (id, at) -> batch.add(KeyValue.pair(id, at)));
                if (batch.size() >= BATCH) {
                    added += flush(batch);
                }
            }
        }
        added += flush(batch);
        index.put(STAMP, stamp);
        LOG.info("eventId index rebuilt from its log: {} entries removed, {} ids from {} packs", removed, added, packs);
    }

    private long flush(List<KeyValue<String, Long>> batch) {
        int n = batch.size();
        if (n > 0) {
            index.putAll(batch);
            batch.clear();
        }
        return n;
    }

    private interface IdAt {
        void accept(String id, long at);
    }

    /** The ids of a pack with their event times: Avro longs and strings, as {@link ByteSink} wrote them. */
    private static void read(byte[] pack, IdAt out) {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(pack, null);
        try {
            while (!in.isEnd()) {
                long at = in.readLong();
                out.accept(in.readString(), at);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("an eventId pack cannot be read", e);
        }
    }

    private static Bytes packKey(long bucket, long id) {
        return Bytes.wrap(ByteBuffer.allocate(17).put(PACK).putLong(bucket).putLong(id).array());
    }

    private static Bytes supersededKey(long bucket, String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + utf8.length).put(SUPERSEDED).putLong(bucket).put(utf8).array());
    }

    /** A filter of every id in the index, with room for at least {@code capacity} and twice what the index holds. */
    private static SeenFilter build(KeyValueStore<String, Long> index, long capacity) {
        long held = 0;
        try (KeyValueIterator<String, Long> it = index.all()) {
            for (; it.hasNext(); it.next()) {
                held++;
            }
        }
        SeenFilter filter = new SeenFilter(Math.max(capacity, 2 * held));
        try (KeyValueIterator<String, Long> it = index.all()) {
            while (it.hasNext()) {
                filter.add(it.next().key);
            }
        }
        return filter;
    }
}
