package io.tokenpulse.app.detect;

import io.tokenpulse.app.time.ReorderBuffer;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.serde.ByteSink;
import io.tokenpulse.serde.ByteSource;
import io.tokenpulse.serde.UsageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How a token task holds a record until the watermark passes it: a tag byte and the record's Avro binary. The rank
 * orders records of the same millisecond: the token's own lifecycle first (a token issued at t and replaced at t has
 * a grant to compare the replacement's with; a revocation at t makes a use at t a use of a revoked token), then
 * links from other tokens, then uses. Deadlines due at t fire before all of them.
 */
final class HeldInput {
    static final int LIFECYCLE = 0;
    static final int LINK = 1;
    static final int USAGE = 2;

    private HeldInput() {
    }

    static int rank(TokenInput input) {
        if (input instanceof TokenInput.Lifecycle) {
            return LIFECYCLE;
        }
        return input instanceof TokenInput.Link ? LINK : USAGE;
    }

    /** A unique, deterministic id among the records of the same millisecond and rank. */
    static String id(String tokenId, TokenInput input) {
        if (input instanceof TokenInput.Lifecycle l) {
            return tokenId + '\u0000' + l.event().getEventId();
        }
        if (input instanceof TokenInput.Usage u) {
            return tokenId + '\u0000' + u.event().getEventId();
        }
        TokenLink link = ((TokenInput.Link) input).link();
        return tokenId + '\u0000' + link.getKind() + '\u0000' + link.getEventId() + '\u0000'
                + (link.getFromTokenId() == null ? "" : link.getFromTokenId()) + '\u0000'
                + (link.getVersionKey() == null ? "" : link.getVersionKey());
    }

    /** How the reorder buffer stores a held record: the tag byte and the record's Avro binary. */
    static final ReorderBuffer.Codec<TokenInput> CODEC = new ReorderBuffer.Codec<>() {
        @Override
        public void encode(TokenInput value, ByteSink out) {
            if (value instanceof TokenInput.Usage u) {
                out.write(USAGE); // nearly every held record
                UsageCodec.write(u.event(), out);
            } else if (value instanceof TokenInput.Lifecycle l) {
                out.write(AvroBinary.encode(l.event(), LIFECYCLE));
            } else {
                out.write(AvroBinary.encode(((TokenInput.Link) value).link(), LINK));
            }
        }

        @Override
        public TokenInput decode(byte[] bytes, int offset, int length) {
            return HeldInput.decode(bytes, offset, length);
        }
    };

    static TokenInput decode(byte[] bytes, int offset, int length) {
        return switch (bytes[offset]) {
            case LIFECYCLE -> new TokenInput.Lifecycle(AvroBinary.decode(bytes, offset, length, TokenLifecycleEvent.class));
            case USAGE -> new TokenInput.Usage(usage(bytes, offset, length));
            case LINK -> new TokenInput.Link(AvroBinary.decode(bytes, offset, length, TokenLink.class));
            default -> throw new IllegalStateException("unknown held record tag " + bytes[offset]);
        };
    }

    private static TokenUsageEvent usage(byte[] bytes, int offset, int length) {
        try {
            return UsageCodec.read(new ByteSource(bytes, offset + 1, length - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
