package io.tokenpulse.producers.sim;

/** A compromise as planned: which token, when it leaked and was reported, and what the responders did. */
record IncidentPlan(String tokenId, String tenant, long exposedAt, boolean exposureReported, long reportedAt,
                    long plannedDetectedAt, long revokedAt, String replacementId, String response) {
}
