package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.SecretGuard;
import io.tokenpulse.producers.sdk.SecretRejectedException;
import io.tokenpulse.schemas.TopicDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Vault audit entry to contract events. Vault writes every request twice: a {@code request} entry once the
 * request is authorised (or refused), and a {@code response} entry after it ran. To count each request once:
 * <ul>
 *   <li><b>uses come from request entries only.</b> A request refused by policy is written only as a request
 *   entry (it never runs), and the request entry holds exactly the authorisation decision that a use's outcome
 *   is about; a later failure while running (a missing path) says nothing about the token.</li>
 *   <li><b>lifecycle comes from response entries only</b>, of successful requests: the accessor of a new token
 *   exists only in the response, and only the response says that a renewal or revocation took effect.</li>
 * </ul>
 * A token create is thus a use of the caller's token (from its request entry) and the issue of a new one (from
 * its response entry), as in CloudTrail. Every other response entry is ignored and counted.
 *
 * <p>Token ids are the accessors as the audit device writes them: HMAC'd ({@code hmac-sha256:...}) by default,
 * the same HMAC in {@code auth.accessor} and in a request's {@code data.accessor}, so uses and lifecycle of one
 * token agree. Client tokens, even HMAC'd, are never read.
 */
final class VaultEntryMapper implements JsonRecords.RecordMapper {
    static final String ISSUER = "vault";
    private static final String TOKEN_PATHS = "auth/token/";
    // An accessor as written: raw (24 characters) or hmac-sha256:<64 hex>. Nothing blank, no spaces or control characters.
    private static final Pattern ACCESSOR = Pattern.compile("[\\x21-\\x7E]{1,256}");

    private final String tenantOverride;
    private final ParseReport report;

    VaultEntryMapper(String tenantOverride, ParseReport report) {
        this.tenantOverride = tenantOverride;
        this.report = Objects.requireNonNull(report, "report");
    }

    @Override
    public void map(JsonNode entry, long line, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        if (!entry.isObject()) {
            out.add(new LineResult.Rejected(line, p + "not a JSON object", "not-an-object"));
            return;
        }
        String type = Nodes.text(entry, "type");
        if ("request".equals(type)) {
            request(entry, line, p, out);
        } else if ("response".equals(type)) {
            response(entry, line, p, out);
        } else {
            out.add(new LineResult.Rejected(line, p + "not a Vault audit entry: type is "
                    + (type == null ? "missing" : "'" + type + "'") + ", not request or response", "not-an-entry"));
        }
    }

    private record Common(long line, String p, String requestId, Instant at, String path, String tenant) {
    }

    private Common common(JsonNode entry, long line, String p, Deque<LineResult> out) {
        List<String> problems = new ArrayList<>();
        String code = "missing-field";
        String requestId = Nodes.text(entry, "request", "id");
        if (requestId == null) {
            problems.add("request.id is missing");
        }
        String time = Nodes.text(entry, "time");
        Instant at = Nodes.isoInstant(time);
        if (time == null) {
            problems.add("time is missing");
        } else if (at == null) {
            problems.add("time '" + time + "' is not an RFC 3339 time");
            code = problems.size() == 1 ? "bad-time" : code;
        }
        String path = Nodes.text(entry, "request", "path");
        if (path == null) {
            problems.add("request.path is missing");
        }
        if (!problems.isEmpty()) {
            out.add(new LineResult.Rejected(line, p + String.join("; ", problems), code));
            return null;
        }
        return new Common(line, p, requestId, at, path, tenant(entry));
    }

    /** --tenant, else the namespace path (sandbox/ -> sandbox), else its id; no namespace is Vault's root namespace. */
    private String tenant(JsonNode entry) {
        if (tenantOverride != null) {
            return tenantOverride;
        }
        String path = Nodes.text(entry, "request", "namespace", "path");
        if (path != null && !path.replaceAll("^/+|/+$", "").isEmpty()) {
            return path.replaceAll("^/+|/+$", "");
        }
        String id = Nodes.text(entry, "request", "namespace", "id");
        return id != null ? id : "root";
    }

    private void request(JsonNode entry, long line, String p, Deque<LineResult> out) {
        String raw = Nodes.text(entry, "auth", "accessor");
        if (raw == null) {
            raw = Nodes.text(entry, "request", "client_token_accessor");
        }
        if (raw == null) {
            report.ignored("request entry without a token accessor (unauthenticated, such as a login, or a batch token)");
            return;
        }
        Common c = common(entry, line, p, out);
        if (c == null) {
            return;
        }
        String accessor = checkedAccessor(raw, "auth.accessor", c, out);
        if (accessor == null) {
            return;
        }
        String operation = Nodes.text(entry, "request", "operation");
        if (operation == null) {
            out.add(new LineResult.Rejected(line, p + "request.operation is missing", "missing-field"));
            return;
        }
        String ip = Nodes.text(entry, "request", "remote_address");
        if (ip != null && !IpAddresses.isLiteral(ip)) {
            report.droppedField("request.remote_address is not an IP address");
            ip = null;
        }
        JsonNode agents = Nodes.at(entry, "request", "headers", "user-agent");
        String userAgent = agents != null && agents.isArray() && agents.size() > 0 && agents.get(0).isTextual()
                ? agents.get(0).asText() : null;
        TokenUsageEvent e = TokenUsageEvent.newBuilder()
                .setEventId(c.requestId()).setTokenId(accessor).setTenant(c.tenant()).setOccurredAt(c.at())
                .setPrincipal(Nodes.text(entry, "auth", "display_name"))
                .setScope(operation + ":" + c.path())
                .setResource(c.path())
                .setOutcome(outcome(Nodes.text(entry, "error")))
                .setSourceIp(ip).setUserAgent(userAgent).setRegion(null)
                .setCount(1)
                .build();
        out.add(new LineResult.Accepted(line, new CanonicalEvent(TopicDef.USAGE, accessor, e)));
    }

    /** No error: ALLOWED; Vault's policy refusal "permission denied": DENIED_SCOPE; any other error: DENIED_OTHER. */
    static UsageOutcome outcome(String error) {
        if (error == null) {
            return UsageOutcome.ALLOWED;
        }
        return error.toLowerCase(Locale.ROOT).contains("permission denied") ? UsageOutcome.DENIED_SCOPE : UsageOutcome.DENIED_OTHER;
    }

    private void response(JsonNode entry, long line, String p, Deque<LineResult> out) {
        if (Nodes.text(entry, "error") != null) {
            report.ignored("response entry of a failed request (no lifecycle change; its use came from the request entry)");
            return;
        }
        String path = Nodes.text(entry, "request", "path");
        String op = path != null && path.startsWith(TOKEN_PATHS) ? path.substring(TOKEN_PATHS.length()) : "";
        boolean revoke = op.startsWith("revoke");
        boolean renew = op.startsWith("renew");
        boolean issue = !revoke && !renew && Nodes.text(entry, "response", "auth", "accessor") != null;
        if (!revoke && !renew && !issue) {
            report.ignored("response entry (its use came from the request entry)");
            return;
        }
        Common c = common(entry, line, p, out);
        if (c == null) {
            return;
        }
        if (revoke) {
            revoke(entry, c, op, out);
        } else if (renew) {
            renew(entry, c, op, out);
        } else {
            issue(entry, c, out);
        }
    }

    private void issue(JsonNode entry, Common c, Deque<LineResult> out) {
        String accessor = checkedAccessor(Nodes.text(entry, "response", "auth", "accessor"), "response.auth.accessor", c, out);
        if (accessor == null) {
            return;
        }
        JsonNode auth = Nodes.at(entry, "response", "auth");
        Instant issued = Nodes.isoInstant(Nodes.text(auth, "token_issue_time"));
        long ttl = auth.path("token_ttl").asLong(0);
        // No TTL: a root token or a token created without one; Vault itself never expires those.
        Instant expiresAt = ttl > 0 ? (issued != null ? issued : c.at()).plusSeconds(ttl) : null;
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("path", c.path());
        JsonNode policies = auth.get("policies");
        if (policies != null && policies.isArray() && policies.size() > 0) {
            List<String> names = new ArrayList<>();
            policies.forEach(n -> names.add(n.asText()));
            // Policies are not scopes: uses are operation:path, so naming policies as granted scopes would make
            // every token look over-privileged. They travel as an attribute.
            attributes.put("policies", String.join(",", names));
        }
        putIfSet(attributes, "tokenType", Nodes.text(auth, "token_type"));
        putIfSet(attributes, "entityId", Nodes.text(auth, "entity_id"));
        emit(c, accessor, LifecycleType.ISSUED, Nodes.text(auth, "display_name"), expiresAt, null, attributes, out);
    }

    private void renew(JsonNode entry, Common c, String op, Deque<LineResult> out) {
        String raw = Nodes.text(entry, "response", "auth", "accessor");
        String field = "response.auth.accessor";
        if (raw == null) {
            raw = op.startsWith("renew-self") ? Nodes.text(entry, "auth", "accessor") : Nodes.text(entry, "request", "data", "accessor");
            field = op.startsWith("renew-self") ? "auth.accessor" : "request.data.accessor";
        }
        if (raw == null) {
            out.add(new LineResult.Rejected(c.line(), c.p() + "auth/token/" + op + ": the renewed token's accessor is not in the"
                    + " entry (the log holds only the token's HMAC, which is not its id)", "unknown-target"));
            return;
        }
        long ttl = entry.path("response").path("auth").path("token_ttl").asLong(0);
        if (ttl <= 0) {
            out.add(new LineResult.Rejected(c.line(), c.p() + "auth/token/" + op + " without response.auth.token_ttl: the new"
                    + " expiry is unknown", "missing-field"));
            return;
        }
        String accessor = checkedAccessor(raw, field, c, out);
        if (accessor != null) {
            emit(c, accessor, LifecycleType.RENEWED, null, c.at().plusSeconds(ttl), "auth/token/" + op,
                    new LinkedHashMap<>(Map.of("path", c.path())), out);
        }
    }

    private void revoke(JsonNode entry, Common c, String op, Deque<LineResult> out) {
        String raw;
        String field;
        if (op.startsWith("revoke-self")) {
            raw = Nodes.text(entry, "auth", "accessor");
            field = "auth.accessor";
        } else if (op.startsWith("revoke-accessor")) {
            raw = Nodes.text(entry, "request", "data", "accessor");
            field = "request.data.accessor";
        } else {
            raw = null;
            field = null;
        }
        if (raw == null) {
            // revoke and revoke-orphan name the token itself; its HMAC cannot be turned into the accessor we key by.
            out.add(new LineResult.Rejected(c.line(), c.p() + "auth/token/" + op + ": the revoked token's accessor is not in the"
                    + " entry (revoked by token, whose HMAC is not its id); revoke by accessor to have it tracked", "unknown-target"));
            return;
        }
        String accessor = checkedAccessor(raw, field, c, out);
        if (accessor != null) {
            emit(c, accessor, LifecycleType.REVOKED, null, null, "auth/token/" + op,
                    new LinkedHashMap<>(Map.of("path", c.path())), out);
        }
    }

    private static void putIfSet(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private void emit(Common c, String tokenId, LifecycleType type, String principal, Instant expiresAt, String reason,
                      Map<String, String> attributes, Deque<LineResult> out) {
        TokenLifecycleEvent e = TokenLifecycleEvent.newBuilder()
                .setEventId(c.requestId() + ":" + type.name().toLowerCase(Locale.ROOT))
                .setTokenId(tokenId).setTenant(c.tenant()).setType(type).setOccurredAt(c.at())
                .setOwner(null).setPrincipal(principal).setServiceVersion(null)
                .setScopes(List.of()).setExpiresAt(expiresAt).setReplacesTokenId(null).setExposedAt(null)
                .setReason(reason).setIssuer(ISSUER).setAttributes(attributes)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.LIFECYCLE, tokenId, e)));
    }

    /** The accessor, or null after a rejection that does not repeat the value. */
    private static String checkedAccessor(String value, String field, Common c, Deque<LineResult> out) {
        try {
            SecretGuard.requirePublicId(field, value);
        } catch (SecretRejectedException e) {
            out.add(new LineResult.Rejected(c.line(), c.p() + e.getMessage(), "secret-shaped-id"));
            return null;
        }
        if (!ACCESSOR.matcher(value).matches()) {
            out.add(new LineResult.Rejected(c.line(), c.p() + field + " is not a token accessor (printable ASCII without"
                    + " spaces, at most 256 characters; got " + value.length() + " characters)", "invalid-token-id"));
            return null;
        }
        return value;
    }
}
