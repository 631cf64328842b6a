package io.tokenpulse.producers.adapters;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** A lazy iterator over results where one step of the input may give none, one or several results. */
abstract class ResultIterator implements Iterator<LineResult> {
    private final Deque<LineResult> pending = new ArrayDeque<>();
    private boolean ended;

    /** Reads the next piece of input and adds its results to {@code out}; false once the input is exhausted. */
    protected abstract boolean step(Deque<LineResult> out);

    @Override
    public final boolean hasNext() {
        while (pending.isEmpty() && !ended) {
            ended = !step(pending);
        }
        return !pending.isEmpty();
    }

    @Override
    public final LineResult next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    final Stream<LineResult> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
