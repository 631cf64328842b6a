package io.tokenpulse.app.state;

import static io.tokenpulse.app.Pipeline.NOW;
import static io.tokenpulse.app.Pipeline.lifecycle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.avro.state.TokenStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules alone, without a topology; {@link TokenStateTopologyTest} runs them through the store. */
class TokenStatesTest {
    private static final Instant T1 = NOW.minus(Duration.ofDays(10));
    private static final Instant T2 = NOW.minus(Duration.ofDays(5));
    private static final Instant T3 = NOW.minus(Duration.ofDays(1));

    @Test
    void aRevokedThatArrivesBeforeItsIssuedLeavesTheTokenRevoked() {
        TokenState s = apply(
                lifecycle("e2", "t", LifecycleType.REVOKED, T2).build(),
                lifecycle("e1", "t", LifecycleType.ISSUED, T1).setScopes(List.of("a")).build());
        assertEquals(TokenStatus.REVOKED, s.getStatus());
        assertEquals(T1, s.getIssuedAt());
        assertEquals(T2, s.getRevokedAt());
        assertEquals(List.of("a"), s.getScopes());
        assertEquals(T1, s.getFirstEventAt());
        assertEquals(T2, s.getLastEventAt());
    }

    @Test
    void aTokenSeenFirstThroughAnotherEventIsPendingUntilIssued() {
        TokenState s = apply(lifecycle("e1", "t", LifecycleType.COMPROMISED, T1).build());
        assertEquals(TokenStatus.PENDING, s.getStatus());
        assertEquals(TokenStatus.ACTIVE, TokenStates.apply(s, lifecycle("e0", "t", LifecycleType.ISSUED, T1.minusSeconds(5)).build()).getStatus());
    }

    @Test
    void aLateOlderGrantDoesNotOverwriteANewerOne() {
        TokenState s = apply(
                lifecycle("e2", "t", LifecycleType.SCOPES_CHANGED, T2).setScopes(List.of("a", "b")).build(),
                lifecycle("e1", "t", LifecycleType.ISSUED, T1).setScopes(List.of("a")).setExpiresAt(T3).build());
        assertEquals(List.of("a", "b"), s.getScopes());
        assertEquals(T2, s.getScopesGrantedAt());
        assertEquals(List.of("a"), s.getPreviousScopes());
        assertEquals(T3, s.getExpiresAt());
    }

    @Test
    void aLateOlderIssuedDoesNotUndoANewerRenewal() {
        Instant renewedTo = NOW.plus(Duration.ofDays(60));
        TokenState s = apply(
                lifecycle("e2", "t", LifecycleType.RENEWED, T2).setExpiresAt(renewedTo).build(),
                lifecycle("e1", "t", LifecycleType.ISSUED, T1).setExpiresAt(T3).build());
        assertEquals(renewedTo, s.getExpiresAt());
    }

    @Test
    void theEarlierEndGivesTheStatus() {
        assertEquals(TokenStatus.EXPIRED, apply(
                lifecycle("e1", "t", LifecycleType.ISSUED, T1).build(),
                lifecycle("e3", "t", LifecycleType.REVOKED, T3).build(),
                lifecycle("e2", "t", LifecycleType.EXPIRED, T2).build()).getStatus());
        assertEquals(TokenStatus.REVOKED, apply(
                lifecycle("e1", "t", LifecycleType.ISSUED, T1).build(),
                lifecycle("e2", "t", LifecycleType.EXPIRED, T3).build(),
                lifecycle("e3", "t", LifecycleType.REVOKED, T2).build()).getStatus());
    }

    @Test
    void aDuplicateEventIdReturnsThePriorStateItself() {
        TokenState s = apply(lifecycle("e1", "t", LifecycleType.ISSUED, T1).build());
        assertSame(s, TokenStates.apply(s, lifecycle("e1", "t", LifecycleType.REVOKED, T2).build()));
    }

    @Test
    void onlyTheLastEventIdsAreRemembered() {
        TokenState s = null;
        for (int i = 0; i < TokenStates.RECENT_EVENT_IDS + 5; i++) {
            s = TokenStates.apply(s, lifecycle("e" + i, "t", LifecycleType.RENEWED, T1.plusSeconds(i)).build());
        }
        assertEquals(TokenStates.RECENT_EVENT_IDS, s.getRecentEventIds().size());
        assertEquals("e5", s.getRecentEventIds().get(0));
        assertEquals("e" + (TokenStates.RECENT_EVENT_IDS + 4), s.getRecentEventIds().get(TokenStates.RECENT_EVENT_IDS - 1));
    }

    @Test
    void descriptiveFieldsTakeTheNewestNonNullValue() {
        TokenState s = apply(
                lifecycle("e2", "t", LifecycleType.RENEWED, T2).setOwner("platform").setPrincipal(null).build(),
                lifecycle("e1", "t", LifecycleType.ISSUED, T1).setOwner("payments").setPrincipal("checkout").build());
        assertEquals("platform", s.getOwner());
        assertEquals("checkout", s.getPrincipal());
        assertNull(s.getReplacesTokenId());
    }

    private static TokenState apply(TokenLifecycleEvent... events) {
        TokenState s = null;
        for (TokenLifecycleEvent e : events) {
            s = TokenStates.apply(s, e);
        }
        return s;
    }
}
