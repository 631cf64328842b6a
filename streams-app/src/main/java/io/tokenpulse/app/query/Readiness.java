package io.tokenpulse.app.query;

import org.apache.kafka.streams.KafkaStreams;

/**
 * What the streams state listener last said. Ready means RUNNING: before the first RUNNING the stores are being
 * restored, and during a later rebalance answers would be 503s anyway, so a load balancer should look elsewhere.
 */
public final class Readiness {
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    public void onState(KafkaStreams.State now) {
        state = now;
    }

    public KafkaStreams.State state() {
        return state;
    }

    public boolean ready() {
        return state == KafkaStreams.State.RUNNING;
    }
}
