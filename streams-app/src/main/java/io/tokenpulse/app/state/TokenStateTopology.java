package io.tokenpulse.app.state;

import io.tokenpulse.app.config.Topics;
import io.tokenpulse.app.ingest.IngestTopology;
import io.tokenpulse.avro.state.TokenState;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * Per-token lifecycle state, materialized from the validated lifecycle stream into {@link #STORE} (a persistent
 * key-value store keyed by tokenId, changelogged as {@code <application.id>-token-state-changelog}). The rules
 * are in {@link TokenStates}.
 */
public final class TokenStateTopology {
    /** The store of {@link TokenState} by tokenId; the query layer and the detectors read it by this name. */
    public static final String STORE = "token-state";
    /** The processor that applies lifecycle events to {@link #STORE}. */
    public static final String APPLY = "token-state-apply";

    private TokenStateTopology() {
    }

    /** Adds the store and its processor; returns the stream of changed states (duplicates emit nothing). */
    public static KStream<String, TokenState> addTo(StreamsBuilder builder, IngestTopology.Inputs inputs, Topics topics) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), topics.keySerde(), topics.storeSerde(TokenState.class)));
        return inputs.lifecycle().processValues(TokenStateProcessor::new, Named.as(APPLY), STORE);
    }
}
