package io.tokenpulse.app.detect;

import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.state.MetricFact;
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

    /** The incident timeline of a compromised token, keyed by tokenId, written each time it changes. */
    record Incident(IncidentTimeline timeline) implements TokenOutput {
    }

    /** Something the posture reports count, keyed by tenant (see metrics/ReportProcessor). */
    record Fact(MetricFact fact) implements TokenOutput {
    }
}
