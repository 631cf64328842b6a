package io.tokenpulse.app.state;

import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.avro.state.TokenStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a lifecycle event changes a token's state (docs/CONTRACT.md, TokenLifecycleEvent). Pure: no store, no clock.
 *
 * <p>Events are applied in arrival order, but arrival order is not event order, so each fact is kept so that
 * the outcome does not depend on it:
 * <ul>
 *   <li>An end is final: once REVOKED or EXPIRED is seen the token stays ended, even if its ISSUED, ROTATED or a
 *       RENEWED arrives afterwards (those still fill in issue time, scopes, expiry). When both ends are known the
 *       earlier one (in event time) gives the status, revocation winning a tie.</li>
 *   <li>Grants and expiry are last-writer-wins by event time: a late, older ISSUED does not overwrite the scopes of
 *       a newer SCOPES_CHANGED, nor the expiry of a newer RENEWED.</li>
 *   <li>Times of facts (issued, revoked, expired, compromised, exposed) keep the earliest report.</li>
 *   <li>Descriptive fields (owner, principal, serviceVersion, issuer, tenant) take the newest non-null value.</li>
 *   <li>A token first seen through an event other than ISSUED/ROTATED is known but PENDING until one arrives.</li>
 *   <li>COMPROMISED marks the token; it does not end it (the contract says it does not revoke).</li>
 *   <li>The last {@link #RECENT_EVENT_IDS} eventIds are remembered; one of them arriving again changes nothing.</li>
 * </ul>
 */
public final class TokenStates {
    /** A token has a handful of lifecycle events in its life; 32 covers redeliveries of all of them. */
    public static final int RECENT_EVENT_IDS = 32;

    private TokenStates() {
    }

    /** The state after {@code event}; {@code prior} itself (same instance) when the event is a duplicate. */
    public static TokenState apply(TokenState prior, TokenLifecycleEvent event) {
        if (prior != null && prior.getRecentEventIds().contains(event.getEventId())) {
            return prior;
        }
        Instant t = event.getOccurredAt();
        TokenState.Builder s = prior == null
                ? TokenState.newBuilder()
                        .setTokenId(event.getTokenId())
                        .setTenant(event.getTenant())
                        .setFirstEventAt(t)
                        .setLastEventAt(t)
                        // A builder leaves defaults unset until build(); the rules below read these.
                        .setScopes(List.of())
                        .setRecentEventIds(List.of())
                : TokenState.newBuilder(prior);
        boolean newest = !t.isBefore(s.getLastEventAt());

        if (newest) {
            s.setTenant(event.getTenant());
        }
        s.setOwner(newer(s.getOwner(), event.getOwner(), newest));
        s.setPrincipal(newer(s.getPrincipal(), event.getPrincipal(), newest));
        s.setServiceVersion(newer(s.getServiceVersion(), event.getServiceVersion(), newest));
        s.setIssuer(newer(s.getIssuer(), event.getIssuer(), newest));

        switch (event.getType()) {
            case ISSUED, ROTATED -> {
                s.setIssuedAt(earliest(s.getIssuedAt(), t));
                grant(s, event.getScopes(), t);
                expiry(s, event.getExpiresAt(), t);
                if (event.getReplacesTokenId() != null) {
                    s.setReplacesTokenId(newer(s.getReplacesTokenId(), event.getReplacesTokenId(), newest));
                }
            }
            case SCOPES_CHANGED -> grant(s, event.getScopes(), t);
            case RENEWED -> expiry(s, event.getExpiresAt(), t);
            case REVOKED -> s.setRevokedAt(earliest(s.getRevokedAt(), t));
            case EXPIRED -> s.setExpiredAt(earliest(s.getExpiredAt(), t));
            case COMPROMISED -> {
                s.setCompromisedAt(earliest(s.getCompromisedAt(), t));
                s.setExposedAt(earliest(s.getExposedAt(), event.getExposedAt()));
            }
            default -> throw new IllegalStateException("No rule for lifecycle type " + event.getType());
        }

        s.setFirstEventAt(earliest(s.getFirstEventAt(), t));
        s.setLastEventAt(newest ? t : s.getLastEventAt());
        s.setLastEventType(event.getType().name());
        s.setStatus(status(s));
        s.setRecentEventIds(remember(s.getRecentEventIds(), event.getEventId()));
        return s.build();
    }

    private static TokenStatus status(TokenState.Builder s) {
        Instant revoked = s.getRevokedAt();
        Instant expired = s.getExpiredAt();
        if (revoked != null && (expired == null || !revoked.isAfter(expired))) {
            return TokenStatus.REVOKED;
        }
        if (expired != null) {
            return TokenStatus.EXPIRED;
        }
        return s.getIssuedAt() != null ? TokenStatus.ACTIVE : TokenStatus.PENDING;
    }

    private static void grant(TokenState.Builder s, List<String> scopes, Instant t) {
        List<String> granted = List.copyOf(scopes);
        Instant current = s.getScopesGrantedAt();
        if (current == null || !t.isBefore(current)) {
            if (current != null && !granted.equals(s.getScopes())) {
                s.setPreviousScopes(s.getScopes());
            }
            s.setScopes(granted);
            s.setScopesGrantedAt(t);
        } else if (s.getPreviousScopes() == null) {
            // An older grant arriving late is what the current one replaced.
            s.setPreviousScopes(granted);
        }
    }

    private static void expiry(TokenState.Builder s, Instant expiresAt, Instant t) {
        Instant setAt = s.getExpirySetAt();
        if (setAt == null || !t.isBefore(setAt)) {
            s.setExpiresAt(expiresAt);
            s.setExpirySetAt(t);
        }
    }

    private static List<String> remember(List<String> ids, String eventId) {
        List<String> out = new ArrayList<>(ids);
        out.add(eventId);
        return out.size() > RECENT_EVENT_IDS ? List.copyOf(out.subList(out.size() - RECENT_EVENT_IDS, out.size())) : out;
    }

    private static String newer(String current, String incoming, boolean newest) {
        if (incoming == null) {
            return current;
        }
        return current == null || newest ? incoming : current;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
