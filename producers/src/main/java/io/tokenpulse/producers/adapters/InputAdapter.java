package io.tokenpulse.producers.adapters;

import java.io.Reader;
import java.util.stream.Stream;

/**
 * Turns one input format into contract events. Every format gives the same {@link LineResult}s, so that
 * {@code PublishJob} and the CLI publish, report and count all formats the same way.
 *
 * <p>An instance reads one input: {@link #report()} describes the last {@link #parse} once its stream is consumed.
 */
public interface InputAdapter {
    /** Results in input order, lazily: a file of any size streams through. The caller closes the reader. */
    Stream<LineResult> parse(Reader input);

    /**
     * What the last parse left out without rejecting anything: records that carry no token activity, and optional
     * fields dropped because their value was unusable. Complete once the stream of {@link #parse} is consumed.
     */
    ParseReport report();
}
