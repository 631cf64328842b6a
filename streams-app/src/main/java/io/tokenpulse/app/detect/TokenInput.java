package io.tokenpulse.app.detect;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.state.TokenLink;

/** What reaches a token's processor: its lifecycle, its uses, and links from other tokens' processors. */
public sealed interface TokenInput {
    record Lifecycle(TokenLifecycleEvent event) implements TokenInput {
    }

    record Usage(TokenUsageEvent event) implements TokenInput {
    }

    record Link(TokenLink link) implements TokenInput {
    }
}
