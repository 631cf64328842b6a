package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.TokenPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The policy the simulator publishes for each of its tenants, and against which its ground truth is computed.
 *
 * <p>The contract's defaults are measured in months (90 days unused, 90 days of scope observation, 90 days maximum
 * lifetime); a simulated month would never reach them. The simulation therefore scales them down so that every
 * alert type happens several times within {@link SimConfig#MIN_DAYS} days, while keeping the ordering of the contract's
 * defaults (the expiry warning is shorter than the unused window, which is shorter than the maximum lifetime).
 * The event-shaped thresholds (probing, spikes, cooldown, unknown grace) keep the contract's defaults.
 */
public final class SimPolicy {
    public static final Duration UNUSED_AFTER = Duration.ofDays(3);
    public static final Duration SCOPE_OBSERVATION = Duration.ofDays(3);
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);
    public static final Duration EXPIRY_WARNING = Duration.ofDays(2);
    public static final Duration REPLACEMENT_SLA = Duration.ofHours(24);
    public static final Duration SOURCE_LEARNING = Duration.ofDays(2);
    public static final double SPIKE_FACTOR = 10.0;
    public static final long SPIKE_MIN_COUNT = 100;
    public static final int PROBE_THRESHOLD = 10;
    public static final Duration PROBE_WINDOW = Duration.ofMinutes(1);
    public static final Duration ALERT_COOLDOWN = Duration.ofHours(1);
    public static final Duration UNKNOWN_GRACE = Duration.ofMinutes(5);

    static final long U = UNUSED_AFTER.toMillis();
    static final long O = SCOPE_OBSERVATION.toMillis();
    static final long MAXL = MAX_LIFETIME.toMillis();
    static final long W = EXPIRY_WARNING.toMillis();
    static final long SLA = REPLACEMENT_SLA.toMillis();
    static final long LEARN = SOURCE_LEARNING.toMillis();
    static final long COOLDOWN = ALERT_COOLDOWN.toMillis();
    static final long GRACE = UNKNOWN_GRACE.toMillis();
    static final long PROBE_WINDOW_MS = PROBE_WINDOW.toMillis();

    private SimPolicy() {
    }

    /** Every field set explicitly: the truth must not depend on the pipeline's defaults staying what they are today. */
    public static TokenPolicy forTenant(String tenant, long occurredAt) {
        return TokenPolicy.newBuilder().setTenant(tenant)
                .setUnusedAfterMs(U).setScopeObservationMs(O).setMaxLifetimeMs(MAXL).setExpiryWarningMs(W)
                .setReplacementSlaMs(SLA).setSourceLearningMs(LEARN).setSpikeFactor(SPIKE_FACTOR)
                .setSpikeMinCount(SPIKE_MIN_COUNT).setProbeThreshold(PROBE_THRESHOLD).setProbeWindowMs(PROBE_WINDOW_MS)
                .setAlertCooldownMs(COOLDOWN).setUnknownGraceMs(GRACE).setDiscoverUnknown(false)
                .setOccurredAt(java.time.Instant.ofEpochMilli(occurredAt))
                .build();
    }

    /** The policy as ISO-8601 durations, for the truth file's header. */
    public static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unusedAfter", UNUSED_AFTER.toString());
        m.put("scopeObservation", SCOPE_OBSERVATION.toString());
        m.put("maxLifetime", MAX_LIFETIME.toString());
        m.put("expiryWarning", EXPIRY_WARNING.toString());
        m.put("replacementSla", REPLACEMENT_SLA.toString());
        m.put("sourceLearning", SOURCE_LEARNING.toString());
        m.put("spikeFactor", Double.toString(SPIKE_FACTOR));
        m.put("spikeMinCount", Long.toString(SPIKE_MIN_COUNT));
        m.put("probeThreshold", Integer.toString(PROBE_THRESHOLD));
        m.put("probeWindow", PROBE_WINDOW.toString());
        m.put("alertCooldown", ALERT_COOLDOWN.toString());
        m.put("unknownGrace", UNKNOWN_GRACE.toString());
        return m;
    }
}
