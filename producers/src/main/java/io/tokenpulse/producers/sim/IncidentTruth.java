package io.tokenpulse.producers.sim;

/**
 * The true timeline of one compromised token and the contract's metrics on it. Times are epoch millis; null means
 * unknown or not (yet) happened: time to detect needs exposedAt, time to replace needs an adopted replacement.
 */
public record IncidentTruth(String tenant, String tokenId, Long exposedAt, Long reportedAt, long detectedAt,
                            Long revokedAt, String replacedBy, Long replacementFirstUsedAt,
                            Long timeToDetectMs, Long timeToRevokeMs, Long timeToReplaceMs) {
}
