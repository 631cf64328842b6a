package io.tokenpulse.app.detect;

import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.state.MetricFact;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.VersionInput;

/** What a token's processor emits; the topology routes each kind to its topic with its key. */
public sealed interface TokenOutput {
    /** An alert, and the action that goes with it (null when it asks for none). */
    record Alert(TokenAlert alert, RemediationAction action) implements TokenOutput {
    }

    /** A fact for another token's processor, keyed by that token; a time promise goes to every token task. */
    record Link(String targetTokenId, TokenLink link) implements TokenOutput {
    }

    /** A binding for the version processor, keyed by tenant/service@version; a time promise goes to every version task. */
    record Binding(String versionKey, VersionInput binding) implements TokenOutput {
    }

    /** The incident timeline of a compromised token, keyed by tokenId, written each time it changes. */
    record Incident(IncidentTimeline timeline) implements TokenOutput {
    }

    /** Something the posture reports count, keyed by tenant (see metrics/ReportProcessor). */
    record Fact(MetricFact fact) implements TokenOutput {
    }
}
