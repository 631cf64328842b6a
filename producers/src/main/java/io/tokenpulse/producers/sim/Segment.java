package io.tokenpulse.producers.sim;

import java.util.List;

/**
 * A client using a token steadily over {@code [from, to)}: {@code usesPerDay} uses a full day (fewer on a partial
 * day), at diurnal times, from hosts of {@code network}.0/24 with {@code userAgent}. With {@code cover}, every
 * scope of {@code scopes} is used at least once on every (partial) day, so no granted scope goes unused for long
 * enough to make the token over-privileged by accident. The outcome of each use is what a gateway would say at
 * its time: DENIED_REVOKED after the token's revocation, DENIED_EXPIRED after its expiry, ALLOWED before.
 */
record Segment(long from, long to, String principal, String version, List<String> scopes, String network,
               String userAgent, int usesPerDay, int maxCount, boolean cover) {
    Segment {
        scopes = List.copyOf(scopes);
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("a segment needs scopes");
        }
    }

    Segment withTo(long newTo) {
        return new Segment(from, newTo, principal, version, scopes, network, userAgent, usesPerDay, maxCount, cover);
    }
}
