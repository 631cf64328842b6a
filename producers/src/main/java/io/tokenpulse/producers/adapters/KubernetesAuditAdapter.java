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
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kubernetes API server audit logs ({@code publish --format k8s-audit}): {@code audit.k8s.io/v1} events as the log
 * backend writes them (one per line) or as the webhook backend sends them ({@code {"kind":"EventList","items":[...]}}).
 * Bound service-account tokens carry a credential id (their JWT's {@code jti}); the API server writes it as
 * {@code user.extra["authentication.kubernetes.io/credential-id"]} on every request the token makes, and as the
 * {@code authentication.kubernetes.io/issued-credential-id} annotation on the TokenRequest that issued it.
 *
 * <p>Rules, one per test in {@code KubernetesAuditAdapterTest}:
 * <ul>
 *   <li>only {@code ResponseComplete} (and {@code Panic}) events count: the server may log a request at several
 *   stages, and it must count once;</li>
 *   <li><b>use</b>: a request with a credential id is a use of token {@code k8s:<credential id>}; scope
 *   {@code <verb>:<group/>resource[/subresource]} ({@code get:pods}, {@code create:serviceaccounts/token}), or
 *   {@code <verb>:<path>} for a non-resource URL; outcome DENIED_SCOPE when authorization forbade it (the
 *   {@code authorization.k8s.io/decision} annotation, else status 403), DENIED_UNKNOWN for 401, ALLOWED otherwise (a
 *   404 or 409 is the API's answer to an authorised request); principal {@code user.username}, address the first of
 *   {@code sourceIPs}, resource {@code namespace/name};</li>
 *   <li><b>issue</b>: a successful {@code create serviceaccounts/token} with an issued credential id issues that token to
 *   {@code system:serviceaccount:<namespace>:<name>}, expiring at {@code responseObject.status.expirationTimestamp} or
 *   at the request time plus {@code requestObject.spec.expirationSeconds}; at audit level Metadata neither is logged,
 *   and the issue is counted as ignored rather than issued as never-expiring. {@code status.token} is never read;</li>
 *   <li><b>revoke</b>: a successful {@code delete} of a pod or secret revokes the tokens issued bound to it earlier in
 *   the same input ({@code requestObject.spec.boundObjectRef}): the API server rejects them from then on.</li>
 * </ul>
 * The tenant is {@code --tenant} (the cluster's name), else {@code kubernetes}. Requests without a credential id (legacy
 * secret-based tokens, anonymous requests) are counted as ignored.
 */
public final class KubernetesAuditAdapter implements InputAdapter {
    static final String ISSUER = "kubernetes";
    static final String DEFAULT_TENANT = "kubernetes";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";
    private static final String ISSUED_CREDENTIAL_ID = "authentication.kubernetes.io/issued-credential-id";
    private static final String DECISION = "authorization.k8s.io/decision";
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,256}");

    private final String tenant;
    private final InputLimits limits;
    private final ParseReport report = new ParseReport();
    /** namespace/kind/name of a bound object -> the tokens issued bound to it; bounded by the input read. */
    private final Map<String, List<String>> boundTokens = new HashMap<>();

    public KubernetesAuditAdapter(String tenantOverride, InputLimits limits) {
        this.tenant = tenantOverride == null || tenantOverride.isBlank() ? DEFAULT_TENANT : tenantOverride;
        this.limits = limits;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        report.clear();
        boundTokens.clear();
        return new JsonRecords(input, JSON, Set.of("items"), limits, this::map).stream();
    }

    @Override
    public ParseReport report() {
        return report;
    }

    private record Common(long line, String p, String auditId, Instant at) {
    }

    private void map(JsonNode e, long line, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        if (!e.isObject() || (!"Event".equals(Nodes.text(e, "kind")) && Nodes.text(e, "auditID") == null)) {
            out.add(new LineResult.Rejected(line, p + "not a Kubernetes audit event (kind Event, auditID)", "not-an-entry"));
            return;
        }
        String stage = Nodes.text(e, "stage");
        if (stage != null && !stage.equals("ResponseComplete") && !stage.equals("Panic")) {
            report.ignored("stage " + stage + " (a request counts once, at ResponseComplete)");
            return;
        }
        String auditId = Nodes.text(e, "auditID");
        Instant at = Nodes.isoInstant(Nodes.text(e, "stageTimestamp"));
        if (at == null) {
            at = Nodes.isoInstant(Nodes.text(e, "requestReceivedTimestamp"));
        }
        if (auditId == null || at == null) {
            out.add(new LineResult.Rejected(line, p + (auditId == null ? "auditID is missing" : "no time: neither stageTimestamp nor"
                    + " requestReceivedTimestamp is an ISO-8601 time"), auditId == null ? "missing-field" : "bad-time"));
            return;
        }
        Common c = new Common(line, p, auditId, at);
        String verb = Nodes.text(e, "verb");
        int code = e.path("responseStatus").path("code").asInt(0);
        boolean succeeded = code >= 200 && code < 300;
        String credential = credentialId(e.path("user").path("extra").get(CREDENTIAL_ID));
        if (credential != null) {
            String tokenId = checked("user.extra[" + CREDENTIAL_ID + "]", credential, c, out);
            if (tokenId != null) {
                usage(e, c, tokenId, verb, code, out);
            }
        } else {
            report.ignored("no credential id (a legacy secret-based token, a certificate or an anonymous request)");
        }
        if (succeeded && "create".equals(verb) && isTokenRequest(e)) {
            issue(e, c, out);
        } else if (succeeded && "delete".equals(verb)) {
            revokeBound(e, c, out);
        }
    }

    private static boolean isTokenRequest(JsonNode e) {
        JsonNode ref = e.path("objectRef");
        return "serviceaccounts".equals(Nodes.text(ref, "resource")) && "token".equals(Nodes.text(ref, "subresource"));
    }

    /** The first value of a user.extra entry (a list of strings), or null. */
    private static String credentialId(JsonNode values) {
        if (values == null || !values.isArray() || values.isEmpty() || !values.get(0).isTextual() || values.get(0).asText().isBlank()) {
            return null;
        }
        return values.get(0).asText();
    }

    private String checked(String field, String credential, Common c, Deque<LineResult> out) {
        try {
            SecretGuard.requirePublicId(field, credential);
        } catch (SecretRejectedException ex) {
            out.add(new LineResult.Rejected(c.line(), c.p() + ex.getMessage(), "secret-shaped-id"));
            return null;
        }
        if (!ID.matcher(credential).matches()) {
            out.add(new LineResult.Rejected(c.line(), c.p() + field + " is not a credential id (" + credential.length() + " characters)",
                    "invalid-token-id"));
            return null;
        }
        return "k8s:" + credential;
    }

    private void usage(JsonNode e, Common c, String tokenId, String verb, int code, Deque<LineResult> out) {
        JsonNode ref = e.get("objectRef");
        String scope;
        String resource = null;
        if (ref != null && Nodes.text(ref, "resource") != null) {
            String group = Nodes.text(ref, "apiGroup");
            String sub = Nodes.text(ref, "subresource");
            scope = verb + ":" + (group == null ? "" : group + "/") + Nodes.text(ref, "resource") + (sub == null ? "" : "/" + sub);
            String ns = Nodes.text(ref, "namespace");
            String name = Nodes.text(ref, "name");
            resource = name == null ? ns : (ns == null ? "" : ns + "/") + name;
        } else {
            String uri = Nodes.text(e, "requestURI");
            int q = uri == null ? -1 : uri.indexOf('?');
            scope = verb + ":" + (uri == null ? "?" : q < 0 ? uri : uri.substring(0, q));
        }
        String decision = Nodes.text(e, "annotations", DECISION);
        UsageOutcome outcome = "forbid".equals(decision) || (decision == null && code == 403) ? UsageOutcome.DENIED_SCOPE
                : code == 401 ? UsageOutcome.DENIED_UNKNOWN : UsageOutcome.ALLOWED;
        String ip = null;
        JsonNode ips = e.get("sourceIPs");
        if (ips != null && ips.isArray() && ips.size() > 0 && ips.get(0).isTextual()) {
            ip = ips.get(0).asText();
            if (!IpAddresses.isLiteral(ip)) {
                report.droppedField("sourceIPs[0] is not an IP address");
                ip = null;
            }
        }
        TokenUsageEvent u = TokenUsageEvent.newBuilder()
                .setEventId(c.auditId()).setTokenId(tokenId).setTenant(tenant).setOccurredAt(c.at())
                .setPrincipal(Nodes.text(e, "user", "username")).setServiceVersion(null).setScope(scope).setResource(resource)
                .setOutcome(outcome).setSourceIp(ip).setUserAgent(Nodes.text(e, "userAgent")).setRegion(null).setCount(1)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.USAGE, tokenId, u)));
    }

    private void issue(JsonNode e, Common c, Deque<LineResult> out) {
        String issued = Nodes.text(e, "annotations", ISSUED_CREDENTIAL_ID);
        if (issued == null) {
            report.ignored("token request without " + ISSUED_CREDENTIAL_ID + " (Kubernetes before 1.30)");
            return;
        }
        String tokenId = checked("annotations[" + ISSUED_CREDENTIAL_ID + "]", issued, c, out);
        if (tokenId == null) {
            return;
        }
        // Only the expiry is read from the response: status.token, beside it, is the token itself.
        Instant expires = Nodes.isoInstant(Nodes.text(e.path("responseObject").path("status"), "expirationTimestamp"));
        JsonNode seconds = e.path("requestObject").path("spec").get("expirationSeconds");
        if (expires == null && seconds != null && seconds.canConvertToLong() && seconds.asLong() > 0) {
            Instant received = Nodes.isoInstant(Nodes.text(e, "requestReceivedTimestamp"));
            expires = (received == null ? c.at() : received).plusSeconds(seconds.asLong());
        }
        if (expires == null) {
            report.ignored("token request without its expiry (audit level Metadata logs neither request nor response)");
            return;
        }
        JsonNode ref = e.path("objectRef");
        String ns = Nodes.text(ref, "namespace");
        String sa = Nodes.text(ref, "name");
        String principal = ns == null || sa == null ? null : "system:serviceaccount:" + ns + ":" + sa;
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("requestedBy", String.valueOf(Nodes.text(e, "user", "username")));
        JsonNode bound = e.path("requestObject").path("spec").path("boundObjectRef");
        String boundKind = Nodes.text(bound, "kind");
        String boundName = Nodes.text(bound, "name");
        if (boundKind != null && boundName != null) {
            attributes.put("boundObject", boundKind + "/" + boundName);
            List<String> tokens = boundTokens.computeIfAbsent(ns + "/" + boundKind + "/" + boundName, k -> new ArrayList<>());
            if (tokens.size() < 1000) {
                tokens.add(tokenId);
            }
        }
        emit(c, tokenId, LifecycleType.ISSUED, principal, ns, expires, null, attributes, out);
    }

    private void revokeBound(JsonNode e, Common c, Deque<LineResult> out) {
        JsonNode ref = e.path("objectRef");
        String resource = Nodes.text(ref, "resource");
        String kind = "pods".equals(resource) ? "Pod" : "secrets".equals(resource) ? "Secret" : null;
        if (kind == null || Nodes.text(ref, "subresource") != null) {
            return;
        }
        List<String> tokens = boundTokens.remove(Nodes.text(ref, "namespace") + "/" + kind + "/" + Nodes.text(ref, "name"));
        if (tokens == null) {
            return;
        }
        for (String tokenId : tokens) {
            emit(c, tokenId, LifecycleType.REVOKED, null, Nodes.text(ref, "namespace"), null,
                    "its bound " + kind + " was deleted", Map.of("deletedBy", String.valueOf(Nodes.text(e, "user", "username"))), out);
        }
    }

    private void emit(Common c, String tokenId, LifecycleType type, String principal, String owner, Instant expires, String reason,
                      Map<String, String> attributes, Deque<LineResult> out) {
        TokenLifecycleEvent l = TokenLifecycleEvent.newBuilder()
                .setEventId(c.auditId() + ":" + type.name().toLowerCase(java.util.Locale.ROOT) + (type == LifecycleType.REVOKED ? ":" + tokenId : ""))
                .setTokenId(tokenId).setTenant(tenant).setType(type).setOccurredAt(c.at())
                .setOwner(owner).setPrincipal(principal).setServiceVersion(null).setScopes(List.of()).setExpiresAt(expires)
                .setReplacesTokenId(null).setExposedAt(null).setReason(reason).setIssuer(ISSUER).setAttributes(attributes)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.LIFECYCLE, tokenId, l)));
    }
}
