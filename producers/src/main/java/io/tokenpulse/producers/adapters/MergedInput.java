package io.tokenpulse.producers.adapters;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Many input files read as one, merged in event-time order (a k-way merge), so that a backfill of thousands of
 * CloudTrail files arrives at the pipeline in order however the files are named or nested.
 *
 * <p>Two passes. The first reads every file once through the adapter and keeps, per file, only its first and last
 * event time, its result count and whether its events are in time order. The second merges: files are opened in order
 * of their first event time, and a file is open only while its time range overlaps the merge point, so an S3 tree
 * (each file a few minutes of one region) has a handful open at once, not all of them.
 *
 * <p>Memory: per open file, its reader and one result, when the file is in time order; all of its results, sorted,
 * when it is not (CloudTrail delivery files are roughly but not strictly ordered; a file's results are bounded by
 * the file). A file out of order with more than {@code maxSortedResults} results is read as it is, and counted in
 * {@link #unsortedFiles()}. Rejections travel with the time of the event before them in their file.
 */
public final class MergedInput {
    /** The per-file facts of the first pass. */
    public record FileInfo(Path path, long results, Long firstMillis, Long lastMillis, boolean inOrder) {
    }

    private final List<Path> files;
    private final Supplier<InputAdapter> adapters;
    private final InputLimits limits;
    private final int maxSortedResults;
    private final ParseReport report = new ParseReport();
    private List<FileInfo> infos;
    private long totalResults;
    private int filesDone;
    private int unsortedFiles;
    private volatile int scanning;

    /**
     * @param files    the files, in the order ties are broken (give them sorted: {@link InputFiles#expand})
     * @param adapters a fresh adapter per file read
     */
    public MergedInput(List<Path> files, Supplier<InputAdapter> adapters, InputLimits limits, int maxSortedResults) {
        this.files = List.copyOf(files);
        this.adapters = Objects.requireNonNull(adapters, "adapters");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxSortedResults = maxSortedResults;
    }

    /** The first pass; {@code onFile} hears of each file scanned (for progress). Idempotent. */
    public List<FileInfo> scan(Consumer<FileInfo> onFile) {
        if (infos != null) {
            return infos;
        }
        List<FileInfo> out = new ArrayList<>(files.size());
        for (Path f : files) {
            long n = 0;
            Long first = null;
            Long last = null;
            boolean inOrder = true;
            try (Reader r = open(f); Stream<LineResult> s = adapters.get().parse(r)) {
                Iterator<LineResult> it = s.iterator();
                while (it.hasNext()) {
                    LineResult x = it.next();
                    n++;
                    Long t = x instanceof LineResult.Accepted a ? a.event().eventTimeMillis() : null;
                    if (t != null) {
                        if (first == null) {
                            first = t;
                        }
                        if (last != null && t < last) {
                            inOrder = false;
                        }
                        last = last == null ? t : Math.max(last, t);
                    }
                }
            } catch (IOException e) {
                n++; // the pass that merges reports it as the file's rejection
            }
            FileInfo info = new FileInfo(f, n, first, last, inOrder);
            out.add(info);
            scanning = out.size();
            totalResults += n;
            onFile.accept(info);
        }
        infos = List.copyOf(out);
        return infos;
    }

    /** Files scanned by the first pass so far. */
    public int scannedFiles() {
        return infos != null ? infos.size() : scanning;
    }

    /**
     * Results of all files in the order given, one file after another, each naming its file: one pass, no merge.
     * Lazy; one file open at a time.
     */
    public Stream<LineResult> inFileOrder() {
        return files.stream().flatMap(f -> {
            Cursor c = new Cursor(0, new FileInfo(f, 0, null, null, true));
            Iterator<LineResult> it = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return c.head != null || c.advance();
                }

                @Override
                public LineResult next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    LineResult r = c.head;
                    c.head = null;
                    return r;
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false).onClose(c::close);
        });
    }

    /** Results of all files (after {@link #scan}) in event-time order, each naming its file; lazy. */
    public Stream<LineResult> stream() {
        scan(i -> { });
        Merge m = new Merge();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(m, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(m::closeAll);
    }

    /** What the adapters left out, over all files, once the stream of {@link #stream} is consumed. */
    public ParseReport report() {
        return report;
    }

    /** Results counted by the first pass: what the merge will give. */
    public long totalResults() {
        return totalResults;
    }

    public int filesTotal() {
        return files.size();
    }

    /** Files read to their end by the merge so far. */
    public synchronized int filesDone() {
        return filesDone;
    }

    /** Files out of time order and too large to sort in memory: read as they are. */
    public int unsortedFiles() {
        return unsortedFiles;
    }

    private Reader open(Path f) throws IOException {
        InputStream in = Files.newInputStream(f);
        try {
            return InputDecoding.reader(in, limits);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** One file's cursor in the merge. */
    private final class Cursor {
        final int order;
        final String name;
        final InputAdapter adapter;
        Reader reader;
        Stream<LineResult> stream;
        Iterator<LineResult> it;
        LineResult head;
        long headTime;
        long lastTime;

        Cursor(int order, FileInfo info) {
            this.order = order;
            this.name = info.path().toString();
            this.adapter = adapters.get();
            this.lastTime = info.firstMillis() == null ? Long.MIN_VALUE : info.firstMillis();
            try {
                reader = open(info.path());
                stream = adapter.parse(reader);
                it = stream.iterator();
                if (!info.inOrder()) {
                    if (info.results() <= maxSortedResults) {
                        it = sorted(it);
                    } else {
                        unsortedFiles++;
                    }
                }
            } catch (IOException e) {
                it = List.<LineResult>of(new LineResult.Rejected(0, "cannot open: " + e.getMessage(), "unreadable-input")).iterator();
            }
        }

        /** The file's results, sorted by time; a stable sort keeps a rejection after the event before it. */
        private Iterator<LineResult> sorted(Iterator<LineResult> all) {
            record Timed(long t, LineResult r) {
            }
            List<Timed> list = new ArrayList<>();
            long t = lastTime;
            while (all.hasNext()) {
                LineResult r = all.next();
                t = timeOf(r, t);
                list.add(new Timed(t, r));
            }
            list.sort(Comparator.comparingLong(Timed::t));
            return list.stream().map(Timed::r).iterator();
        }

        boolean advance() {
            if (!it.hasNext()) {
                close();
                return false;
            }
            LineResult r = it.next();
            lastTime = timeOf(r, lastTime);
            headTime = lastTime;
            head = r instanceof LineResult.Accepted a ? a.from(name) : ((LineResult.Rejected) r).from(name);
            return true;
        }

        void close() {
            if (stream == null) {
                return;
            }
            report.addAll(adapter.report());
            try {
                stream.close();
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                stream = null;
                synchronized (MergedInput.this) {
                    filesDone++;
                }
            }
        }
    }

    private static long timeOf(LineResult r, long previous) {
        Long t = r instanceof LineResult.Accepted a ? a.event().eventTimeMillis() : null;
        return t == null ? previous : t;
    }

    private final class Merge implements Iterator<LineResult> {
        private final Deque<Integer> pending = new ArrayDeque<>();
        private final PriorityQueue<Cursor> open = new PriorityQueue<>(
                Comparator.comparingLong((Cursor c) -> c.headTime).thenComparingInt(c -> c.order));

        Merge() {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < infos.size(); i++) {
                order.add(i);
            }
            // Files without events (only rejections, or empty) first: nothing to order them by.
            order.sort(Comparator.comparingLong((Integer i) -> infos.get(i).firstMillis() == null ? Long.MIN_VALUE : infos.get(i).firstMillis())
                    .thenComparingInt(i -> i));
            pending.addAll(order);
        }

        @Override
        public boolean hasNext() {
            while (!pending.isEmpty()) {
                FileInfo next = infos.get(pending.peek());
                long start = next.firstMillis() == null ? Long.MIN_VALUE : next.firstMillis();
                if (!open.isEmpty() && start > open.peek().headTime) {
                    break;
                }
                Cursor c = new Cursor(pending.poll(), next);
                if (c.advance()) {
                    open.add(c);
                }
            }
            return !open.isEmpty();
        }

        @Override
        public LineResult next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Cursor c = open.poll();
            LineResult r = c.head;
            if (c.advance()) {
                open.add(c);
            }
            return r;
        }

        void closeAll() {
            open.forEach(Cursor::close);
            open.clear();
        }
    }
}
