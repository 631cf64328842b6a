package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.LifecycleType;
import java.util.List;

/**
 * One lifecycle event of a planned token. {@code expiresAt} and {@code exposedAt} use {@link TokenPlan#NONE} for
 * "absent"; {@code scopes} is the full grant on ISSUED, ROTATED and SCOPES_CHANGED and empty otherwise.
 */
record LifecycleStep(long at, LifecycleType type, List<String> scopes, long expiresAt, String replacesTokenId,
                     long exposedAt, String reason) {
    LifecycleStep {
        scopes = List.copyOf(scopes);
    }
}
