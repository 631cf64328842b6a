package io.tokenpulse.app.detect;

import io.tokenpulse.app.time.ByteSink;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * The Avro binary of a {@link TokenUsageEvent} written and read field by field: the very bytes {@link AvroBinary}
 * writes for it (a test holds them equal), without the generic writer's walk of the schema, its union resolution and
 * its boxed field reads, which made encoding the held uses 7 to 10% of a backlog's intake (issue 11). The generated
 * class has no coders of its own because of the timestamp's logical type. A change to the usage schema must change
 * this class too: {@code UsageBinaryTest} fails until it does.
 */
final class UsageBinary {
    /** The outcomes in the order of the schema's symbols, which is what Avro writes (their index). */
    private static final List<UsageOutcome> OUTCOMES = UsageOutcome.getClassSchema().getEnumSymbols().stream()
            .map(UsageOutcome::valueOf).toList();
    private static final Map<UsageOutcome, Integer> INDEX = new EnumMap<>(UsageOutcome.class);

    static {
        for (int i = 0; i < OUTCOMES.size(); i++) {
            INDEX.put(OUTCOMES.get(i), i);
        }
    }

    private UsageBinary() {
    }

    static byte[] encode(TokenUsageEvent e, int tag) {
        ByteSink out = new ByteSink(160);
        encode(e, tag, out);
        return out.toByteArray();
    }

    /** Writes the tag and the record's Avro binary to {@code out}. */
    static void encode(TokenUsageEvent e, int tag, ByteSink out) {
        out.write(tag);
        out.writeString(e.getEventId());
        out.writeString(e.getTokenId());
        out.writeString(e.getTenant());
        out.writeLong(e.getOccurredAt().toEpochMilli());
        optional(out, e.getPrincipal());
        optional(out, e.getServiceVersion());
        out.writeString(e.getScope());
        optional(out, e.getResource());
        out.writeLong(INDEX.get(e.getOutcome()));
        optional(out, e.getSourceIp());
        optional(out, e.getUserAgent());
        optional(out, e.getRegion());
        out.writeLong(e.getCount());
    }

    static TokenUsageEvent decode(byte[] bytes, int offset, int length) {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, offset + 1, length - 1, null);
        try {
            String eventId = in.readString();
            String tokenId = in.readString();
            String tenant = in.readString();
            Instant occurredAt = Instant.ofEpochMilli(in.readLong());
            String principal = optional(in);
            String serviceVersion = optional(in);
            String scope = in.readString();
            String resource = optional(in);
            UsageOutcome outcome = OUTCOMES.get(in.readEnum());
            String sourceIp = optional(in);
            String userAgent = optional(in);
            String region = optional(in);
            int count = in.readInt();
            return new TokenUsageEvent(eventId, tokenId, tenant, occurredAt, principal, serviceVersion, scope, resource,
                    outcome, sourceIp, userAgent, region, count);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** A {@code ["null", "string"]} union: the branch, then the string if there is one. */
    private static void optional(ByteSink out, String s) {
        if (s == null) {
            out.writeLong(0);
        } else {
            out.writeLong(1);
            out.writeString(s);
        }
    }

    private static String optional(BinaryDecoder in) throws IOException {
        return switch (in.readIndex()) {
            case 0 -> {
                in.readNull();
                yield null;
            }
            case 1 -> in.readString();
            default -> throw new IOException("not a branch of [null, string]");
        };
    }
}
