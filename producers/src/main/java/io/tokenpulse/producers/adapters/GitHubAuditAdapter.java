package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.SecretGuard;
import io.tokenpulse.producers.sdk.SecretRejectedException;
import io.tokenpulse.schemas.TopicDef;
import java.io.Reader;
import java.time.Instant;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * GitHub audit log events ({@code publish --format github-audit}): an organisation's or enterprise's audit log stream
 * as the streaming destinations write it (one event per line), or REST API output ({@code GET /orgs/{org}/audit-log},
 * a JSON array per page; {@code gh api --paginate} writes the pages back to back).
 *
 * <p>Rules, one per test in {@code GitHubAuditAdapterTest}:
 * <ul>
 *   <li><b>token</b>: {@code token_id} when the event has it ({@code gh-token:<id>}), else {@code hashed_token}
 *   ({@code gh-hash:<SHA-256, base64>}); both are public, a hash of a secret is not the secret;</li>
 *   <li><b>use</b>: an event with a token and a {@code programmatic_access_type} is a use of that token; scope is the
 *   action ({@code git.clone}), or {@code <METHOD> <route>} for an API request event; outcome from {@code status_code}
 *   when the event has one (401 DENIED_UNKNOWN, 403 DENIED_SCOPE, other 4xx/5xx DENIED_OTHER), ALLOWED otherwise (the
 *   audit log records what happened);</li>
 *   <li><b>revocation</b>: {@code personal_access_token.access_revoked}, {@code .destroy}, {@code oauth_access.destroy}
 *   and {@code oauth_authorization.destroy} revoke the event's token; {@code personal_access_token.credential_revoked}
 *   (GitHub revoked a leaked token) reports it COMPROMISED and revokes it;</li>
 *   <li><b>grant</b>: {@code personal_access_token.access_granted}, {@code .create} and {@code oauth_access.create}
 *   issue the token only when the event states its expiry ({@code token_expires_at}, {@code expires_at}): the audit log
 *   does not otherwise say whether a token expires, and issuing it as never-expiring would be a false
 *   EXPIRY_POLICY_VIOLATION. Without it the grant is counted as ignored; import the token listing
 *   ({@code publish --format github-tokens}) to know it;</li>
 *   <li><b>scopes</b>: {@code token_scopes} (the scopes a classic token or OAuth token holds) travel as the
 *   {@code tokenScopes} attribute of an issue, never as granted scopes: GitHub logs the scopes a token holds, not the
 *   one a request exercised, so granted-versus-used would call every GitHub token over-privileged;</li>
 *   <li><b>time</b> {@code @timestamp} (epoch ms), else {@code created_at} (epoch ms or ISO-8601); <b>event id</b>
 *   {@code _document_id}; <b>tenant</b> {@code business} (an enterprise stream), else {@code org}, else
 *   {@code --tenant}; principal {@code actor}, address {@code actor_ip}, resource {@code repo}.</li>
 * </ul>
 * Events without a token (web sessions) are counted as ignored. No secret is read: the log holds none.
 */
public final class GitHubAuditAdapter implements InputAdapter {
    static final String ISSUER = "github";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<String> REVOKING = Set.of("personal_access_token.access_revoked", "personal_access_token.destroy",
            "oauth_access.destroy", "oauth_authorization.destroy");
    private static final String LEAKED = "personal_access_token.credential_revoked";
    private static final Set<String> GRANTING = Set.of("personal_access_token.access_granted", "personal_access_token.create",
            "oauth_access.create");
    private static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9+/=_:-]{1,128}");

    private final String tenantOverride;
    private final InputLimits limits;
    private final ParseReport report = new ParseReport();

    public GitHubAuditAdapter() {
        this(null, InputLimits.DEFAULTS);
    }

    public GitHubAuditAdapter(String tenantOverride, InputLimits limits) {
        this.tenantOverride = tenantOverride == null || tenantOverride.isBlank() ? null : tenantOverride;
        this.limits = limits;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        return new JsonRecords(input, JSON, Set.of(), limits, this::map).stream();
    }

    @Override
    public ParseReport report() {
        return report;
    }

    private record Common(long line, String p, String eventId, Instant at, String tenant, String action) {
    }

    private void map(JsonNode e, long line, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        if (!e.isObject()) {
            out.add(new LineResult.Rejected(line, p + "not a JSON object", "not-an-object"));
            return;
        }
        String action = Nodes.text(e, "action");
        if (action == null) {
            out.add(new LineResult.Rejected(line, p + "not a GitHub audit event: action is missing", "missing-field"));
            return;
        }
        String tokenId = tokenId(e, line, p, out);
        if (REJECTED.equals(tokenId)) {
            return;
        }
        boolean lifecycle = REVOKING.contains(action) || GRANTING.contains(action) || LEAKED.equals(action);
        if (tokenId == null) {
            report.ignored(lifecycle ? "token event without token_id or hashed_token" : "no token (a web session or no authentication)");
            return;
        }
        if (!lifecycle && Nodes.text(e, "programmatic_access_type") == null) {
            report.ignored("a token but no programmatic_access_type");
            return;
        }
        Common c = common(e, line, p, action, out);
        if (c == null) {
            return;
        }
        if (REVOKING.contains(action)) {
            lifecycle(e, c, tokenId, LifecycleType.REVOKED, null, action, out);
        } else if (LEAKED.equals(action)) {
            lifecycle(e, c, tokenId, LifecycleType.COMPROMISED, null, "revoked by GitHub: found leaked (" + action + ")", out);
            lifecycle(e, c, tokenId, LifecycleType.REVOKED, null, action, out);
        } else if (GRANTING.contains(action)) {
            Instant expires = time(e, "token_expires_at");
            if (expires == null) {
                expires = time(e, "expires_at");
            }
            if (expires == null) {
                report.ignored("token grant without its expiry (" + action + "): import the token listing to know it");
                return;
            }
            lifecycle(e, c, tokenId, LifecycleType.ISSUED, expires, action, out);
        } else {
            usage(e, c, tokenId, out);
        }
    }

    /** Marks a token id that was rejected (and not repeated). */
    private static final String REJECTED = "";

    /** The token's public id; null when the event has none; {@link #REJECTED} after a rejection. */
    private String tokenId(JsonNode e, long line, String p, Deque<LineResult> out) {
        JsonNode id = e.get("token_id");
        String raw;
        String kind;
        if (id != null && (id.isIntegralNumber() || (id.isTextual() && !id.asText().isBlank() && !id.asText().equals("0")))) {
            raw = id.asText();
            kind = "gh-token:";
        } else {
            raw = Nodes.text(e, "hashed_token");
            kind = "gh-hash:";
            if (raw == null) {
                return null;
            }
        }
        String field = kind.equals("gh-token:") ? "token_id" : "hashed_token";
        try {
            SecretGuard.requirePublicId(field, raw);
        } catch (SecretRejectedException ex) {
            out.add(new LineResult.Rejected(line, p + ex.getMessage(), "secret-shaped-id"));
            return REJECTED;
        }
        if (!TOKEN_ID.matcher(raw).matches()) {
            out.add(new LineResult.Rejected(line, p + field + " is not a token id or hash (" + raw.length() + " characters)", "invalid-token-id"));
            return REJECTED;
        }
        return kind + raw;
    }

    private Common common(JsonNode e, long line, String p, String action, Deque<LineResult> out) {
        String eventId = Nodes.text(e, "_document_id");
        Instant at = time(e, "@timestamp");
        if (at == null) {
            at = time(e, "created_at");
        }
        String tenant = tenantOverride != null ? tenantOverride : firstText(e, "business", "org");
        StringBuilder missing = new StringBuilder();
        if (eventId == null) {
            missing.append("_document_id is missing");
        }
        if (at == null) {
            missing.append(missing.length() > 0 ? "; " : "").append("no time: neither @timestamp nor created_at is a time");
        }
        if (tenant == null) {
            missing.append(missing.length() > 0 ? "; " : "").append("no tenant: neither business nor org is set (pass --tenant)");
        }
        if (missing.length() > 0) {
            out.add(new LineResult.Rejected(line, p + missing, at == null && eventId != null && tenant != null ? "bad-time" : "missing-field"));
            return null;
        }
        return new Common(line, p, eventId, at, tenant, action);
    }

    /** A time member: epoch millis as a number or digits, or ISO-8601; null when absent or not a time. */
    private static Instant time(JsonNode e, String member) {
        JsonNode v = e.get(member);
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        return v.isTextual() ? parseTime(v.asText()) : null;
    }

    private static Instant parseTime(String s) {
        if (s == null) {
            return null;
        }
        if (s.matches("\\d{10,16}")) {
            return Instant.ofEpochMilli(Long.parseLong(s));
        }
        Instant iso = Nodes.isoInstant(s);
        if (iso == null && s.matches("\\d{4}-\\d{2}-\\d{2}")) {
            iso = Instant.parse(s + "T00:00:00Z");
        }
        return iso;
    }

    private void usage(JsonNode e, Common c, String tokenId, Deque<LineResult> out) {
        String method = Nodes.text(e, "request_method");
        String route = Nodes.text(e, "route");
        String scope = method != null && route != null ? method.toUpperCase(Locale.ROOT) + " " + route : c.action();
        String ip = Nodes.text(e, "actor_ip");
        if (ip != null && !IpAddresses.isLiteral(ip)) {
            report.droppedField("actor_ip is not an IP address");
            ip = null;
        }
        TokenUsageEvent u = TokenUsageEvent.newBuilder()
                .setEventId(c.eventId()).setTokenId(tokenId).setTenant(c.tenant()).setOccurredAt(c.at())
                .setPrincipal(Nodes.text(e, "actor")).setServiceVersion(null).setScope(scope)
                .setResource(firstText(e, "repo", "repository"))
                .setOutcome(outcome(e.get("status_code")))
                .setSourceIp(ip).setUserAgent(Nodes.text(e, "user_agent")).setRegion(null).setCount(1)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.USAGE, tokenId, u)));
    }

    static UsageOutcome outcome(JsonNode status) {
        if (status == null || !(status.isNumber() || (status.isTextual() && status.asText().matches("\\d{3}")))) {
            return UsageOutcome.ALLOWED;
        }
        int code = status.asInt();
        if (code == 401) {
            return UsageOutcome.DENIED_UNKNOWN;
        }
        if (code == 403) {
            return UsageOutcome.DENIED_SCOPE;
        }
        return code >= 400 ? UsageOutcome.DENIED_OTHER : UsageOutcome.ALLOWED;
    }

    private void lifecycle(JsonNode e, Common c, String tokenId, LifecycleType type, Instant expires, String reason,
                           Deque<LineResult> out) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("action", c.action());
        putIfSet(attributes, "programmaticAccessType", Nodes.text(e, "programmatic_access_type"));
        putIfSet(attributes, "tokenScopes", Nodes.text(e, "token_scopes"));
        putIfSet(attributes, "actor", Nodes.text(e, "actor"));
        String holder = firstText(e, "user", "actor");
        TokenLifecycleEvent l = TokenLifecycleEvent.newBuilder()
                .setEventId(c.eventId() + ":" + type.name().toLowerCase(Locale.ROOT))
                .setTokenId(tokenId).setTenant(c.tenant()).setType(type).setOccurredAt(c.at())
                .setOwner(holder).setPrincipal(type == LifecycleType.ISSUED ? holder : null).setServiceVersion(null)
                .setScopes(List.of()).setExpiresAt(expires).setReplacesTokenId(null)
                .setExposedAt(null).setReason(reason).setIssuer(ISSUER).setAttributes(attributes)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.LIFECYCLE, tokenId, l)));
    }

    private static String firstText(JsonNode e, String a, String b) {
        String v = Nodes.text(e, a);
        return v != null ? v : Nodes.text(e, b);
    }

    private static void putIfSet(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
