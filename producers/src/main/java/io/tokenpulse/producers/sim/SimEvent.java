package io.tokenpulse.producers.sim;

import io.tokenpulse.producers.adapters.CanonicalEvent;

/** One generated event with its event time, ready for the publisher or the JSON Lines writer. */
public record SimEvent(long at, CanonicalEvent event) {
}
