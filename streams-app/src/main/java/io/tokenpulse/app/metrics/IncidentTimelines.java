package io.tokenpulse.app.metrics;

import io.tokenpulse.app.detect.SourceNetworks;
import io.tokenpulse.app.detect.Token;
import io.tokenpulse.avro.IncidentTimeline;
import java.time.Instant;

/**
 * The incident timeline of a compromised token, read off its state, with SPEC's durations: time to detect
 * (detectedAt - exposedAt), to revoke (revokedAt - detectedAt) and to replace (the replacement's first
 * ALLOWED use - detectedAt). A token revoked before its compromise was detected took no time to revoke
 * after detection: its time to revoke is 0, not negative; likewise a replacement already in use.
 */
public final class IncidentTimelines {
    private IncidentTimelines() {
    }

    /** The timeline, or null when the token is not an incident (no COMPROMISED report seen). */
    public static IncidentTimeline of(Token t) {
        Long detected = t.activity().getDetectedAt();
        if (!t.compromised() || detected == null) {
            return null;
        }
        Instant exposed = t.state().getExposedAt();
        long revoked = t.revokedAt();
        Long replacementUsed = t.activity().getReplacementFirstUsedAt();
        return IncidentTimeline.newBuilder()
                .setTokenId(t.id())
                .setTenant(t.tenant())
                .setExposedAt(exposed)
                .setReportedAt(t.state().getCompromisedAt())
                .setDetectedAt(Instant.ofEpochMilli(detected))
                .setRevokedAt(revoked == Token.NONE ? null : Instant.ofEpochMilli(revoked))
                .setReplacedBy(t.activity().getReplacedBy())
                .setReplacementFirstUsedAt(replacementUsed == null ? null : Instant.ofEpochMilli(replacementUsed))
                .setAttemptsAfterRevocation(t.activity().getAttemptsAfterRevocation())
                .setTimeToDetectMs(exposed == null ? null : Math.max(0, detected - exposed.toEpochMilli()))
                .setTimeToRevokeMs(revoked == Token.NONE ? null : Math.max(0, revoked - detected))
                .setTimeToReplaceMs(replacementUsed == null ? null : Math.max(0, replacementUsed - detected))
                .build();
    }

    /** A stable 64-bit hash of every field, to write a timeline only when it changed. */
    public static long digest(IncidentTimeline i) {
        return SourceNetworks.hash(i.toString());
    }
}
