package io.tokenpulse.app.detect;

import io.tokenpulse.avro.TokenPolicy;
import java.time.Duration;

/**
 * A tenant's effective policy: SPEC's defaults, overridden field by field by the tenant's TokenPolicy.
 * A later policy replaces the earlier one whole, so a field left out returns to its default.
 */
public record Policy(
        Duration unusedAfter,
        Duration scopeObservation,
        Duration maxLifetime,
        Duration expiryWarning,
        Duration replacementSla,
        Duration sourceLearning,
        double spikeFactor,
        long spikeMinCount,
        int probeThreshold,
        Duration probeWindow,
        Duration alertCooldown,
        Duration unknownGrace,
        boolean discoverUnknown,
        Duration ephemeralLifetime) {

    public static final Policy DEFAULTS = new Policy(
            Duration.ofDays(90), Duration.ofDays(90), Duration.ofDays(90), Duration.ofDays(7),
            Duration.ofHours(24), Duration.ofDays(7), 10.0, 100, 10, Duration.ofMinutes(1),
            Duration.ofHours(1), Duration.ofMinutes(5), false, Duration.ofHours(24));

    /** The effective policy for a tenant's TokenPolicy; null means the tenant has none. */
    public static Policy of(TokenPolicy p) {
        if (p == null) {
            return DEFAULTS;
        }
        Policy d = DEFAULTS;
        return new Policy(
                ms(p.getUnusedAfterMs(), d.unusedAfter),
                ms(p.getScopeObservationMs(), d.scopeObservation),
                ms(p.getMaxLifetimeMs(), d.maxLifetime),
                ms(p.getExpiryWarningMs(), d.expiryWarning),
                ms(p.getReplacementSlaMs(), d.replacementSla),
                ms(p.getSourceLearningMs(), d.sourceLearning),
                p.getSpikeFactor() == null ? d.spikeFactor : p.getSpikeFactor(),
                p.getSpikeMinCount() == null ? d.spikeMinCount : p.getSpikeMinCount(),
                p.getProbeThreshold() == null ? d.probeThreshold : p.getProbeThreshold(),
                ms(p.getProbeWindowMs(), d.probeWindow),
                ms(p.getAlertCooldownMs(), d.alertCooldown),
                ms(p.getUnknownGraceMs(), d.unknownGrace),
                p.getDiscoverUnknown() == null ? d.discoverUnknown : p.getDiscoverUnknown(),
                ms(p.getEphemeralLifetimeMs(), d.ephemeralLifetime));
    }

    private static Duration ms(Long value, Duration fallback) {
        return value == null ? fallback : Duration.ofMillis(value);
    }
}
