package io.tokenpulse.app.metrics;

import io.tokenpulse.avro.state.FactKind;
import io.tokenpulse.avro.state.MetricFact;

/** Builders of the facts a token processor sends to the report processor. */
public final class MetricFacts {
    private MetricFacts() {
    }

    /** The token task of {@code partition} has seen everything up to event time {@code at}. */
    public static MetricFact watermark(int partition, long at) {
        return MetricFact.newBuilder().setKind(FactKind.WATERMARK).setTenant("").setAt(at).setSource(partition).build();
    }

    /** A record of {@code tenant} arrived after the watermark passed its time {@code at} (see docs/TIME.md). */
    public static MetricFact late(String tenant, long at) {
        return MetricFact.newBuilder().setKind(FactKind.LATE_INPUT).setTenant(tenant).setAt(at).setValue(1).build();
    }

    /** A token's posture flags changed at {@code at} (and maybe its owner). */
    public static MetricFact gauges(String tenant, String owner, int flags, String previousOwner, int previousFlags, long at) {
        return MetricFact.newBuilder().setKind(FactKind.GAUGES).setTenant(tenant).setOwner(owner).setAt(at)
                .setFlags(flags).setPreviousOwner(previousOwner).setPreviousFlags(previousFlags).build();
    }

    public static MetricFact alert(String tenant, String owner, String alertType, long at) {
        return MetricFact.newBuilder().setKind(FactKind.ALERT).setTenant(tenant).setOwner(owner).setAt(at)
                .setAlertType(alertType).setValue(1).build();
    }

    /** A duration or a count of {@code kind} that belongs to the window holding {@code at}. */
    public static MetricFact of(FactKind kind, String tenant, String owner, long at, long value) {
        return MetricFact.newBuilder().setKind(kind).setTenant(tenant).setOwner(owner).setAt(at).setValue(value).build();
    }
}
