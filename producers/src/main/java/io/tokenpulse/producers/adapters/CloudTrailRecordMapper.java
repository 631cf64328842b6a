package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenUsageEvent;
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
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One CloudTrail event record to contract events.
 *
 * <p>A record whose {@code userIdentity.accessKeyId} is set is a use of that key: scope
 * {@code <service>:<eventName>}, outcome from {@code errorCode} ({@link AwsOutcomes}). Successful IAM and STS
 * calls also change keys' lives: CreateAccessKey issues {@code responseElements.accessKey.accessKeyId};
 * UpdateAccessKey to Inactive and DeleteAccessKey revoke {@code requestParameters.accessKeyId}; AssumeRole*,
 * GetSessionToken and GetFederationToken issue {@code responseElements.credentials.accessKeyId}, expiring at its
 * {@code expiration}. A call that uses one key and issues another gives both events; if one of them cannot be
 * built, it alone is rejected and the other still goes.
 *
 * <p>Only ids are read from credentials: {@code secretAccessKey} and {@code sessionToken} are never touched, and
 * every key id passes {@link SecretGuard} before it becomes a tokenId.
 */
final class CloudTrailRecordMapper implements JsonRecords.RecordMapper {
    static final String ISSUER_IAM = "aws-iam";
    static final String ISSUER_STS = "aws-sts";

    // IAM's AccessKeyId: [\w]+, 16 to 128 characters.
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("\\w{16,128}");
    // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5 ...
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final String IAM = "iam.amazonaws.com";
    private static final String STS = "sts.amazonaws.com";
    private static final Set<String> STS_ISSUING = Set.of("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity",
            "GetSessionToken", "GetFederationToken");

    private final String tenantOverride;
    private final ParseReport report;

    CloudTrailRecordMapper(String tenantOverride, ParseReport report) {
        this.tenantOverride = tenantOverride;
        this.report = Objects.requireNonNull(report, "report");
    }

    @Override
    public void map(JsonNode rec, long line, String where, Deque<LineResult> out) {
        String p = Nodes.prefix(where);
        if (!rec.isObject()) {
            out.add(new LineResult.Rejected(line, p + "not a JSON object", "not-an-object"));
            return;
        }
        if ("AwsCloudTrailInsight".equals(Nodes.text(rec, "eventType"))) {
            report.ignored("CloudTrail Insights event (no caller, no key)");
            return;
        }
        String source = Nodes.text(rec, "eventSource");
        String name = Nodes.text(rec, "eventName");
        if (source == null || name == null) {
            out.add(new LineResult.Rejected(line, p + "not a CloudTrail event record: "
                    + (source == null ? "eventSource" : "eventName") + " is missing", "missing-field"));
            return;
        }
        String keyId = Nodes.text(rec, "userIdentity", "accessKeyId");
        boolean succeeded = Nodes.text(rec, "errorCode") == null;
        boolean changesKeys = succeeded && changesKeys(source, name);
        if (keyId == null && !changesKeys) {
            String type = Nodes.text(rec, "userIdentity", "type");
            report.ignored("no userIdentity.accessKeyId (userIdentity.type " + (type == null ? "absent" : type) + ")");
            return;
        }
        Common c = common(rec, line, p, out);
        if (c == null) {
            return;
        }
        if (keyId != null) {
            usage(rec, c, keyId, source, name, out);
        }
        if (changesKeys) {
            lifecycle(rec, c, source, name, out);
        }
    }

    /** What every event of a record shares; null (and a rejection) when the record lacks it. */
    private record Common(long line, String p, String eventId, Instant at, String tenant) {
    }

    private Common common(JsonNode rec, long line, String p, Deque<LineResult> out) {
        List<String> missing = new ArrayList<>();
        String eventId = Nodes.text(rec, "eventID");
        if (eventId == null) {
            missing.add("eventID is missing");
        }
        String time = Nodes.text(rec, "eventTime");
        Instant at = Nodes.isoInstant(time);
        String code = "missing-field";
        if (time == null) {
            missing.add("eventTime is missing");
        } else if (at == null) {
            missing.add("eventTime '" + time + "' is not an ISO-8601 time");
            code = missing.size() == 1 ? "bad-time" : code;
        }
        String tenant = tenantOverride != null ? tenantOverride
                : firstNonNull(Nodes.text(rec, "recipientAccountId"), Nodes.text(rec, "userIdentity", "accountId"));
        if (tenant == null) {
            missing.add("no tenant: neither recipientAccountId nor userIdentity.accountId is set (pass --tenant)");
        }
        if (!missing.isEmpty()) {
            out.add(new LineResult.Rejected(line, p + String.join("; ", missing), code));
            return null;
        }
        return new Common(line, p, eventId, at, tenant);
    }

    private void usage(JsonNode rec, Common c, String rawKeyId, String source, String name, Deque<LineResult> out) {
        String keyId = checkedKeyId(rawKeyId, "userIdentity.accessKeyId", c, out);
        if (keyId == null) {
            return;
        }
        String ip = Nodes.text(rec, "sourceIPAddress");
        if (ip != null && !IpAddresses.isLiteral(ip)) {
            report.droppedField("sourceIPAddress is not an IP address (an AWS service name or garbage)");
            ip = null;
        }
        String region = Nodes.text(rec, "awsRegion");
        if (region != null && !REGION.matcher(region).matches()) {
            report.droppedField("awsRegion is not an AWS region name");
            region = null;
        }
        JsonNode resources = rec.get("resources");
        String resource = resources != null && resources.isArray() && resources.size() > 0
                ? Nodes.text(resources.get(0), "ARN") : null;
        TokenUsageEvent e = TokenUsageEvent.newBuilder()
                .setEventId(c.eventId()).setTokenId(keyId).setTenant(c.tenant()).setOccurredAt(c.at())
                .setPrincipal(Nodes.text(rec, "userIdentity", "arn"))
                .setScope(service(source) + ":" + name)
                .setResource(resource)
                .setOutcome(AwsOutcomes.of(Nodes.text(rec, "errorCode")))
                .setSourceIp(ip)
                .setUserAgent(Nodes.text(rec, "userAgent"))
                .setRegion(region)
                .setCount(1)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.USAGE, keyId, e)));
    }

    private static boolean changesKeys(String source, String name) {
        return (IAM.equals(source) && (name.equals("CreateAccessKey") || name.equals("UpdateAccessKey") || name.equals("DeleteAccessKey")))
                || (STS.equals(source) && STS_ISSUING.contains(name));
    }

    private void lifecycle(JsonNode rec, Common c, String source, String name, Deque<LineResult> out) {
        if (STS.equals(source)) {
            stsIssue(rec, c, name, out);
            return;
        }
        switch (name) {
            case "CreateAccessKey" -> createAccessKey(rec, c, out);
            case "UpdateAccessKey" -> {
                String status = Nodes.text(rec, "requestParameters", "status");
                if ("Inactive".equals(status)) {
                    revoke(rec, c, name, "UpdateAccessKey to Inactive", out);
                } else if ("Active".equals(status)) {
                    // The contract has no type for a key that comes back; ISSUED would restart its history as if new.
                    report.ignored("UpdateAccessKey to Active (the contract has no re-activation event)");
                } else {
                    out.add(new LineResult.Rejected(c.line(), c.p() + "UpdateAccessKey without requestParameters.status"
                            + " Active or Inactive: cannot tell whether the key was revoked", "missing-field"));
                }
            }
            default -> revoke(rec, c, name, "DeleteAccessKey", out);
        }
    }

    private void createAccessKey(JsonNode rec, Common c, Deque<LineResult> out) {
        String raw = Nodes.text(rec, "responseElements", "accessKey", "accessKeyId");
        if (raw == null) {
            out.add(new LineResult.Rejected(c.line(), c.p() + "CreateAccessKey without responseElements.accessKey.accessKeyId:"
                    + " the issued key is unknown", "missing-field"));
            return;
        }
        String newKey = checkedKeyId(raw, "responseElements.accessKey.accessKeyId", c, out);
        if (newKey == null) {
            return;
        }
        String requested = Nodes.text(rec, "requestParameters", "userName");
        String callerName = Nodes.text(rec, "userIdentity", "userName");
        String userName = firstNonNull(Nodes.text(rec, "responseElements", "accessKey", "userName"), firstNonNull(requested, callerName));
        // Usage events carry the caller's ARN as principal. The new key's ARN is known exactly only when a user creates
        // their own key; for another user the ARN's path is not in the record, and a guessed ARN that is wrong would
        // raise PRINCIPAL_MISMATCH on every use. So: the caller's ARN, or no principal (the owner still names the user).
        boolean forCaller = "IAMUser".equals(Nodes.text(rec, "userIdentity", "type"))
                && (requested == null || requested.equals(callerName));
        String principal = forCaller ? Nodes.text(rec, "userIdentity", "arn") : null;
        Map<String, String> attributes = attributes(rec, "CreateAccessKey");
        if (userName != null) {
            attributes.put("userName", userName);
        }
        emit(c, newKey, LifecycleType.ISSUED, ISSUER_IAM, userName, principal, null, null, attributes, out);
    }

    private void revoke(JsonNode rec, Common c, String name, String reason, Deque<LineResult> out) {
        String raw = Nodes.text(rec, "requestParameters", "accessKeyId");
        if (raw == null) {
            out.add(new LineResult.Rejected(c.line(), c.p() + name + " without requestParameters.accessKeyId:"
                    + " the revoked key is unknown", "missing-field"));
            return;
        }
        String key = checkedKeyId(raw, "requestParameters.accessKeyId", c, out);
        if (key != null) {
            emit(c, key, LifecycleType.REVOKED, ISSUER_IAM, Nodes.text(rec, "requestParameters", "userName"), null, null,
                    reason, attributes(rec, name), out);
        }
    }

    private void stsIssue(JsonNode rec, Common c, String name, Deque<LineResult> out) {
        String raw = Nodes.text(rec, "responseElements", "credentials", "accessKeyId");
        if (raw == null) {
            out.add(new LineResult.Rejected(c.line(), c.p() + name + " without responseElements.credentials.accessKeyId:"
                    + " the issued key is unknown", "missing-field"));
            return;
        }
        String expiration = Nodes.text(rec, "responseElements", "credentials", "expiration");
        Instant expiresAt = AwsTimes.parse(expiration);
        if (expiresAt == null) {
            // Temporary credentials always expire: issuing one as never-expiring would be a false policy violation.
            out.add(new LineResult.Rejected(c.line(), c.p() + name + ": responseElements.credentials.expiration "
                    + (expiration == null ? "is missing" : "'" + expiration + "' is not a time CloudTrail writes")
                    + "; the issued key is left out", expiration == null ? "missing-field" : "bad-time"));
            return;
        }
        String newKey = checkedKeyId(raw, "responseElements.credentials.accessKeyId", c, out);
        if (newKey == null) {
            return;
        }
        // The principal the new key's uses will show as userIdentity.arn.
        String principal;
        String owner = null;
        if (name.startsWith("AssumeRole")) {
            principal = Nodes.text(rec, "responseElements", "assumedRoleUser", "arn");
        } else if (name.equals("GetFederationToken")) {
            principal = Nodes.text(rec, "responseElements", "federatedUser", "arn");
        } else {
            principal = Nodes.text(rec, "userIdentity", "arn");
            owner = Nodes.text(rec, "userIdentity", "userName");
        }
        Map<String, String> attributes = attributes(rec, name);
        putIfSet(attributes, "roleArn", Nodes.text(rec, "requestParameters", "roleArn"));
        putIfSet(attributes, "roleSessionName", Nodes.text(rec, "requestParameters", "roleSessionName"));
        emit(c, newKey, LifecycleType.ISSUED, ISSUER_STS, owner, principal, expiresAt, null, attributes, out);
    }

    private static Map<String, String> attributes(JsonNode rec, String eventName) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("eventName", eventName);
        putIfSet(a, "requestedBy", Nodes.text(rec, "userIdentity", "arn"));
        return a;
    }

    private static void putIfSet(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static void emit(Common c, String tokenId, LifecycleType type, String issuer, String owner, String principal,
                             Instant expiresAt, String reason, Map<String, String> attributes, Deque<LineResult> out) {
        TokenLifecycleEvent e = TokenLifecycleEvent.newBuilder()
                .setEventId(c.eventId() + ":" + type.name().toLowerCase(Locale.ROOT))
                .setTokenId(tokenId).setTenant(c.tenant()).setType(type).setOccurredAt(c.at())
                .setOwner(owner).setPrincipal(principal).setServiceVersion(null)
                .setScopes(List.of()).setExpiresAt(expiresAt).setReplacesTokenId(null).setExposedAt(null)
                .setReason(reason).setIssuer(issuer).setAttributes(attributes)
                .build();
        out.add(new LineResult.Accepted(c.line(), new CanonicalEvent(TopicDef.LIFECYCLE, tokenId, e)));
    }

    /** The key id, or null after a rejection that never repeats the value (it may be a secret pasted in the wrong place). */
    private static String checkedKeyId(String value, String field, Common c, Deque<LineResult> out) {
        try {
            SecretGuard.requirePublicId(field, value);
        } catch (SecretRejectedException e) {
            out.add(new LineResult.Rejected(c.line(), c.p() + e.getMessage(), "secret-shaped-id"));
            return null;
        }
        if (!ACCESS_KEY_ID.matcher(value).matches()) {
            out.add(new LineResult.Rejected(c.line(), c.p() + field + " is not an access key id (16 to 128 letters, digits"
                    + " or _; got " + value.length() + " characters)", "invalid-token-id"));
            return null;
        }
        return value;
    }

    /** s3.amazonaws.com -> s3; a source outside amazonaws.com is kept whole. */
    static String service(String eventSource) {
        int i = eventSource.indexOf(".amazonaws.com");
        return i > 0 ? eventSource.substring(0, i) : eventSource;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
