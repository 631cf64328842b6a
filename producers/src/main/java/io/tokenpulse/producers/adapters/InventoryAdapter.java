package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.producers.sdk.SecretGuard;
import io.tokenpulse.producers.sdk.SecretRejectedException;
import io.tokenpulse.schemas.TopicDef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Token inventories a user can export today, as lifecycle events: a token issued before the logs begin is then
 * known, with its issue time and expiry, instead of discovered or unknown. Event ids are derived from the token and
 * the fact (never from the time of the import), so importing the same listing twice changes nothing.
 *
 * <ul>
 *   <li>{@code publish --format aws-iam-keys}: {@code aws iam list-access-keys} output
 *   ({@code {"AccessKeyMetadata":[{"UserName","AccessKeyId","Status","CreateDate"}]}}): ISSUED at {@code CreateDate},
 *   never expiring (IAM user keys do not), and REVOKED for an {@code Inactive} key. {@code aws iam list-users} output
 *   read before it in the same input ({@code cat users.json keys.json}) gives each key its user's ARN as principal and
 *   the account (from the ARN) as tenant. The IAM credential report (CSV) names no access key id, so it cannot say
 *   which key is which: it is refused with that reason.</li>
 *   <li>{@code publish --format github-tokens}: {@code GET /orgs/{org}/personal-access-tokens} (fine-grained tokens
 *   granted to the organisation: ISSUED at {@code access_granted_at}, expiring at {@code token_expires_at}) and
 *   {@code GET /orgs/{org}/credential-authorizations} (classic tokens authorised for SAML SSO: ISSUED at
 *   {@code credential_authorized_at}, expiring at {@code authorized_credential_expires_at}, scopes from
 *   {@code scopes}). {@code token_last_eight} is a piece of the secret and is never read; SSH keys are ignored.</li>
 * </ul>
 * Records may be the envelopes above or their elements, in any layout {@link JsonRecords} reads.
 */
public final class InventoryAdapter implements InputAdapter {
    /** What the inventory lists. */
    public enum Kind { AWS_IAM_KEYS, GITHUB_TOKENS }

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("\\w{16,128}");
    private static final Pattern ACCOUNT_IN_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):user/.*");
    private static final String CREDENTIAL_REPORT = "user,arn,user_creation_time";

    private final Kind kind;
    private final String tenantOverride;
    private final InputLimits limits;
    private final ParseReport report = new ParseReport();
    private final Map<String, String> userArns = new HashMap<>();

    public InventoryAdapter(Kind kind, String tenantOverride, InputLimits limits) {
        this.kind = kind;
        this.tenantOverride = tenantOverride == null || tenantOverride.isBlank() ? null : tenantOverride;
        this.limits = limits;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        userArns.clear();
        BufferedReader reader = new BufferedReader(input, 1 << 14);
        try {
            reader.mark(256);
            char[] head = new char[CREDENTIAL_REPORT.length() + 1];
            int n = reader.read(head, 0, head.length);
            reader.reset();
            if (n > 0 && isCredentialReport(new String(head, 0, n).replace("\uFEFF", ""))) {
                return Stream.of(new LineResult.Rejected(1, "the IAM credential report names no access key id (only whether key 1"
                        + " and key 2 are active and when they were rotated), so it cannot say which key is which: export"
                        + " aws iam list-users and aws iam list-access-keys instead", "unsupported-input"));
            }
        } catch (IOException e) {
            return Stream.of(JsonRecords.unreadable(0, e));
        }
        Set<String> envelopes = kind == Kind.AWS_IAM_KEYS ? Set.of("AccessKeyMetadata", "Users") : Set.of();
        return new JsonRecords(reader, JSON, envelopes, limits, this::map).stream();
    }

    @Override
    public ParseReport report() {
        return report;
    }

    private void map(JsonNode rec, long line, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        if (!rec.isObject()) {
            out.add(new LineResult.Rejected(line, p + "not a JSON object", "not-an-object"));
            return;
        }
        if (kind == Kind.AWS_IAM_KEYS) {
            awsRecord(rec, line, p, out);
        } else {
            githubRecord(rec, line, p, out);
        }
    }

    private void awsRecord(JsonNode rec, long line, String p, Deque<LineResult> out) {
        if (rec.has("AccessKeyId")) {
            awsKey(rec, line, p, out);
        } else if (rec.has("UserName") && rec.has("Arn")) {
            userArns.put(Nodes.text(rec, "UserName"), Nodes.text(rec, "Arn"));
            report.ignored("IAM user (names the principal and account of its keys)");
        } else {
            out.add(new LineResult.Rejected(line, p + "not an access key (no AccessKeyId) nor a user (UserName, Arn)", "missing-field"));
        }
    }

    private void awsKey(JsonNode rec, long line, String p, Deque<LineResult> out) {
        String keyId = Nodes.text(rec, "AccessKeyId");
        String user = Nodes.text(rec, "UserName");
        String status = Nodes.text(rec, "Status");
        Instant created = Nodes.isoInstant(Nodes.text(rec, "CreateDate"));
        String arn = user == null ? null : userArns.get(user);
        var m = arn == null ? null : ACCOUNT_IN_ARN.matcher(arn);
        String tenant = tenantOverride != null ? tenantOverride : m != null && m.matches() ? m.group(1) : null;
        if (keyId == null || created == null || tenant == null || (!"Active".equals(status) && !"Inactive".equals(status))) {
            out.add(new LineResult.Rejected(line, p + (keyId == null ? "AccessKeyId is missing"
                    : created == null ? "CreateDate is missing or not an ISO-8601 time"
                    : tenant == null ? "no tenant: the account is known only from the user's ARN (list-users before the keys) or --tenant"
                    : "Status is neither Active nor Inactive"), tenant == null && keyId != null && created != null ? "missing-field"
                    : created == null && keyId != null ? "bad-time" : "missing-field"));
            return;
        }
        if (!checkId(keyId, "AccessKeyId", line, p, out)) {
            return;
        }
        if (!ACCESS_KEY_ID.matcher(keyId).matches()) {
            out.add(new LineResult.Rejected(line, p + "AccessKeyId is not an access key id", "invalid-token-id"));
            return;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("source", "aws iam list-access-keys");
        if (user != null) {
            attributes.put("userName", user);
        }
        emit(out, line, keyId, tenant, LifecycleType.ISSUED, created, null, user, arn, List.of(), "aws-iam", null, attributes);
        if ("Inactive".equals(status)) {
            // The listing does not say when the key was made inactive: the revocation is dated at its issue, the
            // latest time the listing proves. A key inactive in the inventory is not usable now, whatever its history.
            emit(out, line, keyId, tenant, LifecycleType.REVOKED, created, null, user, null, List.of(), "aws-iam",
                    "Inactive in the inventory", attributes);
        }
    }

    private void githubRecord(JsonNode rec, long line, String p, Deque<LineResult> out) {
        String tenant = tenantOverride;
        if (tenant == null) {
            out.add(new LineResult.Rejected(line, p + "no tenant: a GitHub token listing does not name its organisation (pass --tenant)",
                    "missing-field"));
            return;
        }
        if (rec.has("credential_authorized_at") || rec.has("credential_id")) {
            classic(rec, tenant, line, p, out);
        } else if (rec.has("access_granted_at")) {
            fineGrained(rec, tenant, line, p, out);
        } else {
            out.add(new LineResult.Rejected(line, p + "not a token listing entry: neither access_granted_at (fine-grained) nor"
                    + " credential_authorized_at (classic)", "missing-field"));
        }
    }

    private void fineGrained(JsonNode rec, String tenant, long line, String p, Deque<LineResult> out) {
        JsonNode id = rec.has("token_id") ? rec.get("token_id") : rec.get("id");
        Instant granted = Nodes.isoInstant(Nodes.text(rec, "access_granted_at"));
        if (id == null || !(id.isIntegralNumber() || id.isTextual()) || granted == null) {
            out.add(new LineResult.Rejected(line, p + (granted == null ? "access_granted_at is missing or not a time" : "token_id and id are missing"),
                    granted == null ? "bad-time" : "missing-field"));
            return;
        }
        String tokenId = "gh-token:" + id.asText();
        if (!checkId(tokenId, "token_id", line, p, out)) {
            return;
        }
        String expiry = Nodes.text(rec, "token_expires_at");
        Instant expires = Nodes.isoInstant(expiry);
        if (expiry != null && expires == null) {
            out.add(new LineResult.Rejected(line, p + "token_expires_at is not a time", "bad-time"));
            return;
        }
        String owner = Nodes.text(rec, "owner", "login");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("source", "GET /orgs/{org}/personal-access-tokens");
        attributes.put("tokenType", "fine-grained");
        putIfSet(attributes, "tokenName", Nodes.text(rec, "token_name"));
        putIfSet(attributes, "repositorySelection", Nodes.text(rec, "repository_selection"));
        String permissions = permissions(rec.get("permissions"));
        if (!permissions.isEmpty()) {
            attributes.put("permissions", permissions);
        }
        emit(out, line, tokenId, tenant, LifecycleType.ISSUED, granted, expires, owner, owner, List.of(), "github", null, attributes);
    }

    private void classic(JsonNode rec, String tenant, long line, String p, Deque<LineResult> out) {
        String type = Nodes.text(rec, "credential_type");
        if (type != null && !type.toLowerCase(Locale.ROOT).contains("token")) {
            report.ignored("credential authorization of a " + type + " (not a token)");
            return;
        }
        JsonNode id = rec.get("credential_id");
        Instant authorized = Nodes.isoInstant(Nodes.text(rec, "credential_authorized_at"));
        if (id == null || !(id.isIntegralNumber() || id.isTextual()) || authorized == null) {
            out.add(new LineResult.Rejected(line, p + (authorized == null ? "credential_authorized_at is missing or not a time"
                    : "credential_id is missing"), authorized == null ? "bad-time" : "missing-field"));
            return;
        }
        String tokenId = "gh-token:" + id.asText();
        if (!checkId(tokenId, "credential_id", line, p, out)) {
            return;
        }
        String expiry = Nodes.text(rec, "authorized_credential_expires_at");
        Instant expires = Nodes.isoInstant(expiry);
        if (expiry != null && expires == null) {
            out.add(new LineResult.Rejected(line, p + "authorized_credential_expires_at is not a time", "bad-time"));
            return;
        }
        String login = Nodes.text(rec, "login");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("source", "GET /orgs/{org}/credential-authorizations");
        attributes.put("tokenType", "classic");
        putIfSet(attributes, "title", Nodes.text(rec, "authorized_credential_title"));
        Set<String> scopes = new TreeSet<>();
        JsonNode s = rec.get("scopes");
        if (s != null && s.isArray()) {
            s.forEach(x -> {
                if (x.isTextual() && !x.asText().isBlank()) {
                    scopes.add(x.asText());
                }
            });
        }
        if (!scopes.isEmpty()) {
            // As for the audit log: GitHub logs no exercised scope, so these stay descriptive, not granted scopes.
            attributes.put("tokenScopes", String.join(",", scopes));
        }
        emit(out, line, tokenId, tenant, LifecycleType.ISSUED, authorized, expires, login, login, List.of(), "github", null, attributes);
    }

    /** {"repository":{"contents":"read"}} -> "repository:contents:read"; sorted, so the same grant reads the same. */
    private static String permissions(JsonNode perms) {
        Set<String> out = new TreeSet<>();
        if (perms != null && perms.isObject()) {
            for (Map.Entry<String, JsonNode> g : perms.properties()) {
                if (g.getValue().isObject()) {
                    g.getValue().properties().forEach(f -> out.add(g.getKey() + ":" + f.getKey() + ":" + f.getValue().asText()));
                }
            }
        }
        return String.join(",", out);
    }

    private static boolean checkId(String id, String field, long line, String p, Deque<LineResult> out) {
        try {
            SecretGuard.requirePublicId(field, id);
            return true;
        } catch (SecretRejectedException e) {
            out.add(new LineResult.Rejected(line, p + e.getMessage(), "secret-shaped-id"));
            return false;
        }
    }

    private static void emit(Deque<LineResult> out, long line, String tokenId, String tenant, LifecycleType type, Instant at,
                             Instant expires, String owner, String principal, List<String> scopes, String issuer, String reason,
                             Map<String, String> attributes) {
        TokenLifecycleEvent e = TokenLifecycleEvent.newBuilder()
                // Derived from what the inventory states, never from when it was taken: a re-import is a duplicate.
                .setEventId("inventory:" + tokenId + ":" + type.name().toLowerCase(Locale.ROOT) + ":" + at.toEpochMilli())
                .setTokenId(tokenId).setTenant(tenant).setType(type).setOccurredAt(at)
                .setOwner(owner).setPrincipal(principal).setServiceVersion(null).setScopes(scopes)
                .setExpiresAt(expires).setReplacesTokenId(null).setExposedAt(null).setReason(reason)
                .setIssuer(issuer).setAttributes(attributes)
                .build();
        out.add(new LineResult.Accepted(line, new CanonicalEvent(TopicDef.LIFECYCLE, tokenId, e)));
    }

    private static void putIfSet(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /** The first line of the IAM credential report, which the AWS adapter refuses with its reason. */
    static boolean isCredentialReport(String firstLine) {
        return firstLine != null && firstLine.startsWith(CREDENTIAL_REPORT);
    }
}
