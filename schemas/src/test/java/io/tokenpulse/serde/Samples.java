package io.tokenpulse.serde;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Records that exercise every Avro shape of the contract: logical timestamps, unions, arrays, maps, enums. */
final class Samples {
    private Samples() {
    }

    static TokenUsageEvent usage() {
        return TokenUsageEvent.newBuilder()
                .setEventId("u-1").setTokenId("AKIAIOSFODNN7EXAMPLE").setTenant("acme")
                .setOccurredAt(Instant.parse("2026-03-01T12:00:00.123Z"))
                .setPrincipal("checkout").setServiceVersion("2.3.1").setScope("s3:GetObject")
                .setResource("arn:aws:s3:::bucket/key").setOutcome(UsageOutcome.DENIED_SCOPE)
                .setSourceIp("203.0.113.7").setUserAgent("aws-cli/2.15").setRegion(null).setCount(3)
                .build();
    }

    static TokenLifecycleEvent lifecycle() {
        return TokenLifecycleEvent.newBuilder()
                .setEventId("l-1").setTokenId("tok-new").setTenant("acme").setType(LifecycleType.ROTATED)
                .setOccurredAt(Instant.parse("2026-03-01T00:00:00Z"))
                .setOwner("payments").setPrincipal("checkout").setServiceVersion("2.3.1")
                .setScopes(List.of("repo:read", "repo:write"))
                .setExpiresAt(Instant.parse("2026-05-30T00:00:00Z"))
                .setReplacesTokenId("tok-old").setExposedAt(null).setReason("scheduled rotation")
                .setIssuer("github").setAttributes(Map.of("ticket", "SEC-42"))
                .build();
    }
}
