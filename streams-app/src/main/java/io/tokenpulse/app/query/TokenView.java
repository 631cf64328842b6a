package io.tokenpulse.app.query;

import io.tokenpulse.app.detect.Token;
import io.tokenpulse.app.metrics.IncidentTimelines;
import io.tokenpulse.avro.IncidentTimeline;
import io.tokenpulse.avro.state.TokenState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON of one token for analysts. Maps are sorted and fields in a fixed order, so the same state gives the same
 * bytes on every instance (the cross-instance test compares them). Only the public tokenId and metadata: the state
 * never holds a secret, and the hashes of sources and user agents are counted, not shown.
 */
public final class TokenView {
    private TokenView() {
    }

    public static Map<String, Object> of(TokenState state) {
        Token t = new Token(state);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokenId", state.getTokenId());
        m.put("tenant", state.getTenant());
        m.put("owner", state.getOwner());
        m.put("principal", state.getPrincipal());
        m.put("serviceVersion", state.getServiceVersion());
        m.put("issuer", state.getIssuer());

        Map<String, Object> life = new LinkedHashMap<>();
        life.put("status", state.getStatus().name());
        life.put("issuedAt", Json.time(state.getIssuedAt()));
        life.put("expiresAt", Json.time(state.getExpiresAt()));
        life.put("revokedAt", Json.time(state.getRevokedAt()));
        life.put("expiredAt", Json.time(state.getExpiredAt()));
        life.put("compromisedAt", Json.time(state.getCompromisedAt()));
        life.put("exposedAt", Json.time(state.getExposedAt()));
        life.put("replacesTokenId", state.getReplacesTokenId());
        life.put("replacedBy", t.activity().getReplacedBy());
        life.put("lastEventType", state.getLastEventType());
        life.put("lastEventAt", Json.time(state.getLastEventAt()));
        m.put("lifecycle", life);

        Map<String, Object> scopes = new LinkedHashMap<>();
        scopes.put("granted", new ArrayList<>(new TreeSet<>(state.getScopes())));
        Map<String, Object> used = new TreeMap<>();
        t.activity().getScopeLastUse().forEach((scope, at) -> used.put(scope, Json.time(at)));
        scopes.put("lastUseByScope", used);
        List<String> unusedGranted = new ArrayList<>(new TreeSet<>(state.getScopes()));
        unusedGranted.removeAll(used.keySet());
        scopes.put("grantedNeverUsed", unusedGranted);
        m.put("scopes", scopes);

        m.put("lastUseAt", Json.time(t.activity().getLastUseAt()));
        m.put("lastAllowedUseAt", Json.time(t.activity().getLastAllowedUseAt()));
        Map<String, Object> sources = new LinkedHashMap<>();
        sources.put("networks", t.activity().getSourceNetworks().size());
        sources.put("userAgents", t.activity().getUserAgents().size());
        m.put("knownSources", sources);

        Map<String, Object> open = new TreeMap<>();
        t.activity().getOpenConditions().forEach((condition, since) -> open.put(condition, Json.time(since)));
        m.put("openConditions", open);
        IncidentTimeline incident = IncidentTimelines.of(t);
        m.put("incident", incident == null ? null : incident(incident));
        return m;
    }

    public static Map<String, Object> incident(IncidentTimeline i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokenId", i.getTokenId());
        m.put("tenant", i.getTenant());
        m.put("open", i.getRevokedAt() == null || i.getReplacedBy() == null);
        m.put("exposedAt", Json.time(i.getExposedAt()));
        m.put("reportedAt", Json.time(i.getReportedAt()));
        m.put("detectedAt", Json.time(i.getDetectedAt()));
        m.put("revokedAt", Json.time(i.getRevokedAt()));
        m.put("replacedBy", i.getReplacedBy());
        m.put("replacementFirstUsedAt", Json.time(i.getReplacementFirstUsedAt()));
        m.put("attemptsAfterRevocation", i.getAttemptsAfterRevocation());
        m.put("timeToDetectMs", i.getTimeToDetectMs());
        m.put("timeToRevokeMs", i.getTimeToRevokeMs());
        m.put("timeToReplaceMs", i.getTimeToReplaceMs());
        return m;
    }
}
