package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import java.util.Set;

/**
 * One kind of token history the simulator plants in a fleet: it plans its tokens (lifecycle steps, clients,
 * scripted uses) on a {@link FleetDraft} and names the alert types they are built to raise. The truth of a run
 * holds, for a story's tokens, its {@link #alerts()} and at most its {@link #incidental()} ones (StoriesTest).
 *
 * <p>Stories are kept apart on purpose: a forgotten token is used in all its scopes until it is forgotten, so it
 * is never also over-privileged; injected tokens live on services that do not migrate, so they are never also
 * bound to a retired version; every deadline of a story lies at least a day after the cross-partition fact
 * it depends on (a replacement, a revocation), and no deadline falls in the last simulated day, where the
 * pipeline's event time stops.
 */
abstract class Story {
    /** What a single token that lives through the run may reach besides its story: an unreplaced expiry. */
    static final Set<AlertType> MAY_EXPIRE = Set.of(AlertType.EXPIRING_UNREPLACED);

    private final String label;
    private final double share;
    private final Set<AlertType> alerts;
    private final Set<AlertType> incidental;

    Story(String label, double share, Set<AlertType> alerts, Set<AlertType> incidental) {
        this.label = label;
        this.share = share;
        this.alerts = Set.copyOf(alerts);
        this.incidental = Set.copyOf(incidental);
    }

    /** The story its tokens carry; the tokens that replace them add a suffix ("-rotated", "-replacement"). */
    final String label() {
        return label;
    }

    /** The share of a tenant's initial tokens that get this story. */
    final double share() {
        return share;
    }

    /** The alert types this story's tokens are built to raise. */
    final Set<AlertType> alerts() {
        return alerts;
    }

    /** Alert types its tokens may also reach, by how long the run is rather than by design. */
    final Set<AlertType> incidental() {
        return incidental;
    }

    /** True for the story of a token (or truth entry) labelled {@code story}: this label, or it and a suffix. */
    final boolean owns(String story) {
        return story.equals(label) || story.startsWith(label + "-");
    }

    /** Plans the story's token {@code id} (and any that replace it) among the tenant's services. */
    abstract void plan(FleetDraft fleet, TenantServices services, String id);

    @Override
    public String toString() {
        return label;
    }
}
