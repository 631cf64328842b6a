package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.AlertType;
import java.util.Comparator;

/**
 * One injected (or unavoidable) condition: the alert the contract says the pipeline must raise. {@code story} names the
 * simulator's story that produced it, so a miss can be traced back to what was generated.
 */
public record TruthEntry(AlertType type, String tenant, String tokenId, long eventTime, String story) {
    public static final Comparator<TruthEntry> ORDER = Comparator.comparingLong(TruthEntry::eventTime)
            .thenComparing(TruthEntry::type).thenComparing(TruthEntry::tenant).thenComparing(TruthEntry::tokenId);
}
