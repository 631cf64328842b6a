package io.tokenpulse.app.detect;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.TokenActivity;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.TokenState;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the {@link TokenJudge} keeps in a token's {@link TokenActivity} between records, beside the lifecycle: when
 * each scope was granted, what it heard of the versions it is bound to, its binding, when its compromise was
 * detected, and the event time it was last judged at. Each method changes one token's activity and says nothing.
 */
final class Activity {
    private static final int MAX_VERSIONS = 16;

    private Activity() {
    }

    /** When each scope of the token was first granted, kept by issue, rotation and scope changes. */
    static void trackGrants(TokenActivity a, List<String> before, List<String> after, long at, LifecycleType type) {
        if (type != LifecycleType.ISSUED && type != LifecycleType.ROTATED && type != LifecycleType.SCOPES_CHANGED) {
            return;
        }
        Map<String, Long> granted = a.getScopeGrantedAt();
        Set<String> now = new HashSet<>(after);
        granted.keySet().removeIf(s -> !now.contains(s));
        for (String scope : after) {
            Long g = granted.get(scope);
            if (g == null || (!before.contains(scope) && at < g)) {
                granted.put(scope, before.contains(scope) && g != null ? g : at);
            }
        }
    }

    /** The state of a token no lifecycle event has named yet, from its first use. */
    static TokenState unknownToken(String tokenId, TokenUsageEvent u) {
        return TokenState.newBuilder()
                .setTokenId(tokenId)
                .setTenant(u.getTenant())
                .setFirstEventAt(u.getOccurredAt())
                .setLastEventAt(u.getOccurredAt())
                .setActivity(TokenActivity.newBuilder().build())
                .build();
    }

    /**
     * A deployment event of a version this token is (or was) bound to. The version processor may tell a token of one
     * late (the binding or the deployment reached it later), so the latest deployment event by its own time wins, not
     * the latest told; a retirement and a deployment at the same millisecond count as retired.
     */
    static void versionNews(TokenActivity a, TokenLink link) {
        String key = link.getVersionKey();
        if (key == null) {
            return;
        }
        long happened = link.getOrigAt() == null ? link.getAt() : link.getOrigAt();
        boolean retired = link.getKind() == LinkKind.VERSION_RETIRED;
        Long latest = a.getVersionEventAt().get(key);
        if (latest != null && (happened < latest || (happened == latest && !retired))) {
            return;
        }
        if (latest == null && a.getVersionEventAt().size() >= MAX_VERSIONS) {
            return; // bounded: a token bound to this many versions is a data error, and the first ones are kept
        }
        a.getVersionEventAt().put(key, happened);
        if (retired) {
            a.getVersionRetiredSince().merge(key, link.getAt(), Math::min);
        } else {
            a.getVersionRetiredSince().remove(key);
        }
        a.setRetiredVersionAt(Objects.equals(key, a.getBoundVersionKey()) ? a.getVersionRetiredSince().get(key)
                : a.getRetiredVersionAt());
    }

    /** Which version this token is bound to while it is active (the version processor learns it from the relay). */
    static void bind(Token t, long at) {
        TokenActivity a = t.activity();
        String principal = t.state().getPrincipal();
        String version = t.state().getServiceVersion();
        String key = principal == null || version == null || !t.activeAt(at) ? null
                : TokenJudge.versionKey(t.tenant(), principal, version);
        if (!Objects.equals(key, a.getBoundVersionKey())) {
            a.setBoundVersionKey(key);
            a.setRetiredVersionAt(key == null ? null : a.getVersionRetiredSince().get(key));
        }
    }

    /** detectedAt: the earliest of the COMPROMISED report and the first signal at or after exposure (or issue). */
    static void updateDetection(Token t) {
        long reported = Token.ms(t.state().getCompromisedAt());
        long from = t.state().getExposedAt() != null ? t.state().getExposedAt().toEpochMilli() : t.issuedAt();
        long detected = reported;
        for (long s : t.activity().getSignalTimes()) {
            if ((from == Token.NONE || s >= from) && s < detected) {
                detected = s;
            }
        }
        t.activity().setDetectedAt(detected);
    }

    /** The event time the token's conditions were last judged at; the beginning of time if never. */
    static long evaluatedAt(Token t) {
        Long e = t.activity().getEvaluatedAt();
        return e == null ? Long.MIN_VALUE : e;
    }
}
