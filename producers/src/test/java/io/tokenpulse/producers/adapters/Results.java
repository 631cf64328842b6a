package io.tokenpulse.producers.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.schemas.TopicDef;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Reads fixtures through an adapter and picks results apart for assertions. */
final class Results {
    private Results() {
    }

    static InputStream fixture(String path) {
        InputStream in = Results.class.getResourceAsStream("/fixtures/" + path);
        if (in == null) {
            throw new IllegalArgumentException("no fixture " + path);
        }
        return in;
    }

    static List<LineResult> parse(InputAdapter adapter, String fixture) {
        try (InputStream in = fixture(fixture); Reader r = InputDecoding.reader(in); var s = adapter.parse(r)) {
            return s.collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<LineResult> parseText(InputAdapter adapter, String text) {
        try (var s = adapter.parse(new StringReader(text))) {
            return s.collect(Collectors.toList());
        }
    }

    static TokenUsageEvent usage(LineResult r, long line) {
        LineResult.Accepted a = assertInstanceOf(LineResult.Accepted.class, r, () -> "expected an accepted usage event, got " + r);
        assertEquals(line, a.lineNumber(), "line of " + r);
        assertEquals(TopicDef.USAGE, a.event().topic());
        TokenUsageEvent e = assertInstanceOf(TokenUsageEvent.class, a.event().value());
        assertEquals(e.getTokenId(), a.event().key(), "usage is keyed by tokenId");
        return e;
    }

    static TokenLifecycleEvent lifecycle(LineResult r, long line) {
        LineResult.Accepted a = assertInstanceOf(LineResult.Accepted.class, r, () -> "expected an accepted lifecycle event, got " + r);
        assertEquals(line, a.lineNumber(), "line of " + r);
        assertEquals(TopicDef.LIFECYCLE, a.event().topic());
        TokenLifecycleEvent e = assertInstanceOf(TokenLifecycleEvent.class, a.event().value());
        assertEquals(e.getTokenId(), a.event().key(), "lifecycle is keyed by tokenId");
        return e;
    }

    static LineResult.Rejected rejected(LineResult r, long line, String code) {
        LineResult.Rejected rej = assertInstanceOf(LineResult.Rejected.class, r, () -> "expected a rejection, got " + r);
        assertEquals(line, rej.lineNumber(), "line of " + r);
        assertEquals(code, rej.code(), "code of " + r);
        return rej;
    }

    static Map<String, Long> rejectedByCode(List<LineResult> results) {
        return results.stream().filter(r -> r instanceof LineResult.Rejected)
                .collect(Collectors.groupingBy(r -> ((LineResult.Rejected) r).code(), TreeMap::new, Collectors.counting()));
    }

    static List<Object> events(List<LineResult> results) {
        return results.stream().filter(r -> r instanceof LineResult.Accepted)
                .map(r -> ((LineResult.Accepted) r).event().value()).collect(Collectors.toList());
    }
}
