package io.tokenpulse.app.detect;

import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.state.TokenBinding;
import io.tokenpulse.avro.state.TokenLink;

/** What a token's processor emits; the topology routes each kind to its topic with its key. */
public sealed interface TokenOutput {
    /** An alert, and the action that goes with it (null when it asks for none). */
    record Alert(TokenAlert alert, RemediationAction action) implements TokenOutput {
    }

    /** A fact for another token's processor, keyed by that token. */
    record Link(String targetTokenId, TokenLink link) implements TokenOutput {
    }

    /** A binding change for the version processor, keyed by tenant/service@version. */
    record Binding(String versionKey, TokenBinding binding) implements TokenOutput {
    }
}
