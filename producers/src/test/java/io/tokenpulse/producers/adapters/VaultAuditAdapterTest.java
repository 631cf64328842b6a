package io.tokenpulse.producers.adapters;

import static io.tokenpulse.producers.adapters.Results.lifecycle;
import static io.tokenpulse.producers.adapters.Results.parse;
import static io.tokenpulse.producers.adapters.Results.parseText;
import static io.tokenpulse.producers.adapters.Results.rejected;
import static io.tokenpulse.producers.adapters.Results.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VaultAuditAdapterTest {
    private static final String PARENT = "hmac-sha256:388e42635b05b9538e57705b2bf1a41bb00e25c4585a08b17a1ff710d42dc625";
    private static final String CHILD = "hmac-sha256:1db8da0314470632d31ef71204f7b952fd79c6dde4426a3b0f7a0154099765f9";
    private static final String LOGIN = "hmac-sha256:fa2d8678c770b7b4bc6ae2f0ba57526a89a633a5299ed19c22744dfb1253ad59";
    private static final String ID = "11111111-0000-0000-0000-0000000000";

    private final VaultAuditAdapter adapter = new VaultAuditAdapter();

    @Test
    void usesComeFromRequestEntriesAndLifecycleFromResponsesSoNoRequestCountsTwice() {
        List<LineResult> r = parse(adapter, "vault/audit.log");
        assertEquals(15, r.size(), () -> r.stream().map(Object::toString).collect(Collectors.joining("\n")));

        // 1-2: the parent token creates the child: a use of the parent, the child issued.
        TokenUsageEvent create = usage(r.get(0), 1);
        assertEquals(ID + "01", create.getEventId());
        assertEquals(PARENT, create.getTokenId());
        assertEquals("root", create.getTenant());
        assertEquals("update:auth/token/create", create.getScope());
        assertEquals(UsageOutcome.ALLOWED, create.getOutcome());
        assertEquals(Instant.parse("2026-03-05T09:00:00.123Z"), create.getOccurredAt(), "nanoseconds cut to millis");
        assertEquals("token", create.getPrincipal());
        assertEquals("10.0.0.5", create.getSourceIp());
        TokenLifecycleEvent child = lifecycle(r.get(1), 2);
        assertEquals(ID + "01:issued", child.getEventId());
        assertEquals(CHILD, child.getTokenId());
        assertEquals(LifecycleType.ISSUED, child.getType());
        assertEquals("vault", child.getIssuer());
        assertEquals(Instant.parse("2026-03-05T10:00:00Z"), child.getExpiresAt(), "token_issue_time + token_ttl 3600 s");
        assertEquals(List.of(), child.getScopes(), "policies are not scopes");
        assertEquals("app,default", child.getAttributes().get("policies"));
        assertEquals("auth/token/create", child.getAttributes().get("path"));

        // 3: a read with the child; 4, its response, adds nothing.
        TokenUsageEvent read = usage(r.get(2), 3);
        assertEquals(CHILD, read.getTokenId());
        assertEquals("read:secret/data/app", read.getScope());
        assertEquals("secret/data/app", read.getResource());
        assertEquals(UsageOutcome.ALLOWED, read.getOutcome());

        // 5: refused by policy: written only as a request entry.
        TokenUsageEvent denied = usage(r.get(3), 5);
        assertEquals("read:secret/data/admin", denied.getScope());
        assertEquals(UsageOutcome.DENIED_SCOPE, denied.getOutcome());

        // 6: garbage between entries.
        rejected(r.get(4), 6, "not-json");

        // 7-8: renew-self moves the child's expiry to the response time + token_ttl.
        assertEquals("update:auth/token/renew-self", usage(r.get(5), 7).getScope());
        TokenLifecycleEvent renewed = lifecycle(r.get(6), 8);
        assertEquals(CHILD, renewed.getTokenId());
        assertEquals(LifecycleType.RENEWED, renewed.getType());
        assertEquals(Instant.parse("2026-03-05T11:50:00.010Z"), renewed.getExpiresAt());
        assertEquals(ID + "07:renewed", renewed.getEventId());

        // 9: request and response back to back on one line: the parent revokes the child by accessor.
        TokenUsageEvent revoking = usage(r.get(7), 9);
        assertEquals(PARENT, revoking.getTokenId());
        assertEquals("update:auth/token/revoke-accessor", revoking.getScope());
        TokenLifecycleEvent revoked = lifecycle(r.get(8), 9);
        assertEquals(CHILD, revoked.getTokenId(), "request.data.accessor carries the same HMAC as auth.accessor");
        assertEquals(LifecycleType.REVOKED, revoked.getType());
        assertEquals("auth/token/revoke-accessor", revoked.getReason());

        // 10: a login request carries no token (ignored); 11: its response issues one.
        TokenLifecycleEvent login = lifecycle(r.get(9), 11);
        assertEquals(LOGIN, login.getTokenId());
        assertEquals("userpass-alice", login.getPrincipal());
        assertEquals(Instant.parse("2026-04-06T10:10:00Z"), login.getExpiresAt(), "32 days");
        assertEquals("default,dev", login.getAttributes().get("policies"));
        assertEquals("e2853091-6c3c-2200-3ff7-0b664ed70c4d", login.getAttributes().get("entityId"));

        // 12: in namespace sandbox/, behind a proxy that writes "unknown" as the address.
        TokenUsageEvent list = usage(r.get(10), 12);
        assertEquals("sandbox", list.getTenant());
        assertEquals("list:secret/metadata/", list.getScope());
        assertEquals("userpass-alice", list.getPrincipal());
        assertNull(list.getSourceIp());

        // 13-14: revoke by token: the use counts, the revocation cannot be tied to an accessor.
        assertEquals("update:auth/token/revoke", usage(r.get(11), 13).getScope());
        assertTrue(rejected(r.get(12), 14, "unknown-target").reason().contains("revoke by accessor"));

        // 15: no time. 16: cut off mid-write.
        assertEquals("time is missing", rejected(r.get(13), 15, "missing-field").reason());
        rejected(r.get(14), 16, "truncated");
        assertEquals(Map.of("missing-field", 1L, "not-json", 1L, "truncated", 1L, "unknown-target", 1L), Results.rejectedByCode(r));

        assertEquals(Map.of(
                "request entry without a token accessor (unauthenticated, such as a login, or a batch token)", 1L,
                "response entry (its use came from the request entry)", 1L), adapter.report().ignored());
        assertEquals(Map.of("request.remote_address is not an IP address", 1L), adapter.report().droppedFields());
    }

    @Test
    void noClientTokenReachesAnyEvent() {
        List<LineResult> r = parse(adapter, "vault/audit.log");
        String all = Results.events(r).stream().map(Object::toString).collect(Collectors.joining("\n"));
        // The HMACs of the client tokens (tok-parent, tok-child, tok-login) from the fixture.
        for (String clientTokenHmac : List.of("e9c85694545ad7ae598daba683d53", "e8542b3772bc4a73dbb20d306ebb4", "8ed38aad98851e42b63eaad265dd8")) {
            assertFalse(all.contains(clientTokenHmac), clientTokenHmac);
        }
    }

    @Test
    void tenantOptionReplacesTheNamespace() {
        List<LineResult> r = parse(new VaultAuditAdapter("acme-vault"), "vault/audit.log");
        assertEquals("acme-vault", usage(r.get(10), 12).getTenant());
        assertEquals("acme-vault", lifecycle(r.get(1), 2).getTenant());
    }

    @Test
    void objectsWrittenWithoutAnyNewlineAreAllRead() {
        String a = "{\"time\":\"2026-03-05T09:00:00Z\",\"type\":\"request\",\"auth\":{\"accessor\":\"acc-1\"},"
                + "\"request\":{\"id\":\"r%d\",\"operation\":\"read\",\"path\":\"kv/x {not a brace}\"}}";
        List<LineResult> r = parseText(adapter, String.format(a, 1) + String.format(a, 2) + "junk" + String.format(a, 3));
        assertEquals(4, r.size(), r::toString);
        assertEquals("r1", usage(r.get(0), 1).getEventId());
        assertEquals("read:kv/x {not a brace}", usage(r.get(1), 1).getScope(), "braces inside strings do not split");
        assertEquals("object 3 on the line: not JSON: 4 characters outside any object", rejected(r.get(2), 1, "not-json").reason());
        assertEquals("r3", usage(r.get(3), 1).getEventId());
    }

    @Test
    void anEntryThatIsNotVaultsIsRejected() {
        List<LineResult> r = parseText(adapter, "{\"kind\":\"usage\"}\n[1,2]\n");
        assertEquals("not a Vault audit entry: type is missing, not request or response", rejected(r.get(0), 1, "not-an-entry").reason());
        rejected(r.get(1), 2, "not-json");
    }
}
