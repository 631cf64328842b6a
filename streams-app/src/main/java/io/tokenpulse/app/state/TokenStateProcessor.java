package io.tokenpulse.app.state;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.state.TokenState;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/** Applies each lifecycle event to the token's stored state and forwards the new state when it changed. */
final class TokenStateProcessor implements FixedKeyProcessor<String, TokenLifecycleEvent, TokenState> {
    private FixedKeyProcessorContext<String, TokenState> context;
    private KeyValueStore<String, TokenState> store;

    @Override
    public void init(FixedKeyProcessorContext<String, TokenState> context) {
        this.context = context;
        this.store = context.getStateStore(TokenStateTopology.STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, TokenLifecycleEvent> record) {
        TokenState prior = store.get(record.key());
        TokenState next = TokenStates.apply(prior, record.value());
        if (next == prior) {
            return;
        }
        store.put(record.key(), next);
        context.forward(record.withValue(next));
    }
}
