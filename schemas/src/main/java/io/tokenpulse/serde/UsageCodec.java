package io.tokenpulse.serde;

import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.io.IOException;
import java.time.Instant;

/**
 * The Avro binary of a {@link TokenUsageEvent} in this build's schema, written and read field by field: the very bytes
 * Avro's own writer gives (a property test holds them equal), without the generic writer's and reader's walk of the
 * schema, union resolution and boxed field access. The generated class has no coders of its own because of the
 * timestamp's logical type, and uses are nearly every record the pipeline reads and holds: the generic path was 7 to 10%
 * of a backlog's intake for holding them and about as much for reading them (issue 11). A change to the usage schema
 * must change this class too: {@code UsageCodecTest} fails until it does.
 */
public final class UsageCodec {
    private static final EnumIndex<UsageOutcome> OUTCOMES = EnumIndex.of(UsageOutcome.class, UsageOutcome.getClassSchema());

    private UsageCodec() {
    }

    /** Writes the record's Avro binary to {@code out}. */
    public static void write(TokenUsageEvent e, ByteSink out) {
        out.writeString(e.getEventId());
        out.writeString(e.getTokenId());
        out.writeString(e.getTenant());
        out.writeLong(e.getOccurredAt().toEpochMilli());
        out.writeOptionalString(e.getPrincipal());
        out.writeOptionalString(e.getServiceVersion());
        out.writeString(e.getScope());
        out.writeOptionalString(e.getResource());
        out.writeLong(OUTCOMES.indexOf(e.getOutcome()));
        out.writeOptionalString(e.getSourceIp());
        out.writeOptionalString(e.getUserAgent());
        out.writeOptionalString(e.getRegion());
        out.writeLong(e.getCount());
    }

    /** Reads what {@link #write} (or Avro's writer, with this build's schema) wrote. */
    public static TokenUsageEvent read(ByteSource in) throws IOException {
        String eventId = in.readString();
        String tokenId = in.readString();
        String tenant = in.readString();
        Instant occurredAt = Instant.ofEpochMilli(in.readLong());
        String principal = optional(in);
        String serviceVersion = optional(in);
        String scope = in.readString();
        String resource = optional(in);
        UsageOutcome outcome = OUTCOMES.at(in.readInt());
        String sourceIp = optional(in);
        String userAgent = optional(in);
        String region = optional(in);
        int count = in.readInt();
        return new TokenUsageEvent(eventId, tokenId, tenant, occurredAt, principal, serviceVersion, scope, resource,
                outcome, sourceIp, userAgent, region, count);
    }

    private static String optional(ByteSource in) throws IOException {
        return switch (in.readInt()) {
            case 0 -> null;
            case 1 -> in.readString();
            default -> throw new IOException("not a branch of [null, string]");
        };
    }
}
