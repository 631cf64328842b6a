package io.tokenpulse.app.state;

import static io.tokenpulse.app.Pipeline.NOW;
import static io.tokenpulse.app.Pipeline.lifecycle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.avro.state.TokenStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStateTopologyTest {
    private static final Instant ISSUED_AT = NOW.minus(Duration.ofDays(30));
    private static final Instant EXPIRES_AT = NOW.plus(Duration.ofDays(60));

    @TempDir
    Path stateDir;

    @Test
    void issuedMakesAnActiveTokenWithItsGrant() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // When
            issue(p, "tok-1");
            // Then
            TokenState s = p.tokenState("tok-1").orElseThrow();
            assertEquals(TokenStatus.ACTIVE, s.getStatus());
            assertEquals("acme", s.getTenant());
            assertEquals("payments", s.getOwner());
            assertEquals("checkout", s.getPrincipal());
            assertEquals("1.4.2", s.getServiceVersion());
            assertEquals("vault", s.getIssuer());
            assertEquals(ISSUED_AT, s.getIssuedAt());
            assertEquals(EXPIRES_AT, s.getExpiresAt());
            assertEquals(List.of("repo:read", "repo:write"), s.getScopes());
            assertEquals(List.of("e-tok-1"), s.getRecentEventIds());
            assertEquals("ISSUED", s.getLastEventType());
        }
    }

    @Test
    void rotatedIssuesTheNewTokenAndLinksTheOldOneWhichStaysActive() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // Given
            issue(p, "tok-old");
            // When
            p.send(p.topics.lifecycle(), "tok-new", lifecycle("e2", "tok-new", LifecycleType.ROTATED, NOW)
                    .setScopes(List.of("repo:read")).setReplacesTokenId("tok-old").setExpiresAt(EXPIRES_AT).build());
            // Then
            TokenState fresh = p.tokenState("tok-new").orElseThrow();
            assertEquals(TokenStatus.ACTIVE, fresh.getStatus());
            assertEquals("tok-old", fresh.getReplacesTokenId());
            assertEquals(NOW, fresh.getIssuedAt());
            assertEquals(List.of("repo:read"), fresh.getScopes());
            assertEquals(TokenStatus.ACTIVE, p.tokenState("tok-old").orElseThrow().getStatus());
        }
    }

    @Test
    void scopesChangedReplacesTheGrantAndRemembersThePreviousOne() {
        try (Pipeline p = new Pipeline(stateDir)) {
            issue(p, "tok-1");
            p.send(p.topics.lifecycle(), "tok-1", lifecycle("e2", "tok-1", LifecycleType.SCOPES_CHANGED, NOW)
                    .setScopes(List.of("admin")).build());
            TokenState s = p.tokenState("tok-1").orElseThrow();
            assertEquals(List.of("admin"), s.getScopes());
            assertEquals(List.of("repo:read", "repo:write"), s.getPreviousScopes());
            assertEquals(NOW, s.getScopesGrantedAt());
            assertEquals(EXPIRES_AT, s.getExpiresAt());
        }
    }

    @Test
    void renewedMovesTheExpiryOnly() {
        try (Pipeline p = new Pipeline(stateDir)) {
            issue(p, "tok-1");
            Instant later = EXPIRES_AT.plus(Duration.ofDays(90));
            p.send(p.topics.lifecycle(), "tok-1", lifecycle("e2", "tok-1", LifecycleType.RENEWED, NOW).setExpiresAt(later).build());
            TokenState s = p.tokenState("tok-1").orElseThrow();
            assertEquals(later, s.getExpiresAt());
            assertEquals(ISSUED_AT, s.getIssuedAt());
            assertEquals(List.of("repo:read", "repo:write"), s.getScopes());
            assertEquals(TokenStatus.ACTIVE, s.getStatus());
        }
    }

    @Test
    void revokedAndExpiredEndTheToken() {
        try (Pipeline p = new Pipeline(stateDir)) {
            issue(p, "tok-r");
            issue(p, "tok-x");
            p.send(p.topics.lifecycle(), "tok-r", lifecycle("r", "tok-r", LifecycleType.REVOKED, NOW).build());
            p.send(p.topics.lifecycle(), "tok-x", lifecycle("x", "tok-x", LifecycleType.EXPIRED, NOW).build());
            assertEquals(TokenStatus.REVOKED, p.tokenState("tok-r").orElseThrow().getStatus());
            assertEquals(NOW, p.tokenState("tok-r").orElseThrow().getRevokedAt());
            assertEquals(TokenStatus.EXPIRED, p.tokenState("tok-x").orElseThrow().getStatus());
            assertEquals(NOW, p.tokenState("tok-x").orElseThrow().getExpiredAt());
        }
    }

    @Test
    void compromisedMarksTheTokenWithoutRevokingIt() {
        try (Pipeline p = new Pipeline(stateDir)) {
            issue(p, "tok-1");
            Instant exposed = NOW.minus(Duration.ofDays(2));
            p.send(p.topics.lifecycle(), "tok-1", lifecycle("c", "tok-1", LifecycleType.COMPROMISED, NOW).setExposedAt(exposed).build());
            TokenState s = p.tokenState("tok-1").orElseThrow();
            assertEquals(TokenStatus.ACTIVE, s.getStatus());
            assertEquals(NOW, s.getCompromisedAt());
            assertEquals(exposed, s.getExposedAt());
            assertNull(s.getRevokedAt());
        }
    }

    @Test
    void aRedeliveredEventIdChangesNothing() {
        try (Pipeline p = new Pipeline(stateDir)) {
            // Given an issued token
            issue(p, "tok-1");
            TokenState before = p.tokenState("tok-1").orElseThrow();
            // When an event with the same eventId arrives again, even with other content
            p.send(p.topics.lifecycle(), "tok-1", lifecycle("e-tok-1", "tok-1", LifecycleType.REVOKED, NOW).build());
            // Then the state is unchanged
            assertEquals(before, p.tokenState("tok-1").orElseThrow());
            assertTrue(p.deadLetters().isEmpty());
        }
    }

    private static void issue(Pipeline p, String tokenId) {
        p.send(p.topics.lifecycle(), tokenId, lifecycle("e-" + tokenId, tokenId, LifecycleType.ISSUED, ISSUED_AT)
                .setScopes(List.of("repo:read", "repo:write")).setExpiresAt(EXPIRES_AT).build());
    }
}
