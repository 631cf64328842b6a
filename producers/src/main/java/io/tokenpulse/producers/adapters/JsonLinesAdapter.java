package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.SecretGuard;
import io.tokenpulse.producers.sdk.SecretRejectedException;
import io.tokenpulse.schemas.TopicDef;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.AvroRuntimeException;

/**
 * The contract's canonical JSON Lines: one object per line, {@code "kind"} usage, lifecycle, deployment or policy,
 * the other members the contract's fields by name. Timestamps are ISO-8601 UTC strings or epoch millis;
 * policy durations ISO-8601 ({@code P90D}, {@code PT24H}) or millis. Members the contract does not know are
 * ignored, so newer producers can add fields (the price: a misspelt optional member is silently absent; a
 * misspelt required one is still caught as missing). Trailing content after the object and duplicate
 * members are rejected. Enum symbols are case-sensitive, as in the Avro schemas. Blank lines and
 * {@code #} comments are skipped. A line that does not parse or validate becomes a {@link LineResult.Rejected} naming every problem; the lines around
 * it are unaffected. Lines are read lazily: a file of any size streams through.
 */
public final class JsonLinesAdapter implements InputAdapter {
    // Trailing tokens and duplicate members make a line ambiguous (which "tokenId" wins?): reject, not guess.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String KINDS = "one of usage, lifecycle, deployment, policy";
    private static final char BOM = '\uFEFF';
    private static final char REPLACEMENT = '\uFFFD';

    /**
     * Results of every non-blank, non-comment line, in order, numbered by physical line (1-based, skipped
     * lines counted). Lazy: one line is held at a time, and never more than the line cap of it. A read error ends
     * the input with one rejection after every line before it. The caller closes the reader.
     */
    private final InputLimits limits;

    public JsonLinesAdapter() {
        this(InputLimits.DEFAULTS);
    }

    /** @param limits {@link InputLimits#maxRecordChars()} caps a line: a longer one is rejected without being held */
    public JsonLinesAdapter(InputLimits limits) {
        this.limits = limits;
    }

    @Override
    public Stream<LineResult> parse(Reader input) {
        BoundedLines reader = new BoundedLines(input, limits.maxRecordChars());
        Iterator<LineResult> it = new Iterator<>() {
            private long lineNumber;
            private LineResult next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    if (ended) {
                        return false;
                    }
                    BoundedLines.Line read;
                    try {
                        read = reader.next();
                    } catch (InputLimits.InflateLimitException e) {
                        ended = true;
                        next = new LineResult.Rejected(lineNumber + 1, e.getMessage() + "; everything before it was read", "inflate-limit");
                        return true;
                    } catch (IOException e) {
                        ended = true;
                        next = JsonRecords.unreadable(lineNumber, e);
                        return true;
                    }
                    if (read == null) {
                        return false;
                    }
                    lineNumber++;
                    if (read.tooLong()) {
                        next = new LineResult.Rejected(lineNumber, "line too long: " + read.length() + " characters, more than the "
                                + limits.maxRecordChars() + " allowed (--max-record-size); skipped", "line-too-long");
                        return true;
                    }
                    String line = read.text();
                    if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BOM) {
                        line = line.substring(1);
                    }
                    if (!isSkipped(line)) {
                        next = parseLine(lineNumber, line.strip());
                    }
                }
                return true;
            }

            @Override
            public LineResult next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                LineResult r = next;
                next = null;
                return r;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Always empty: a canonical line is accepted or rejected, never ignored, and no field is dropped. */
    @Override
    public ParseReport report() {
        return new ParseReport();
    }

    /** Whether a line carries no record: blank, or a {@code #} comment. Such lines are neither accepted nor rejected. */
    public static boolean isSkipped(String line) {
        String trimmed = line.strip();
        return trimmed.isEmpty() || trimmed.startsWith("#");
    }

    /** One line: accepted with its event, or rejected with every reason. */
    public LineResult parseLine(long lineNumber, String line) {
        if (line.indexOf(REPLACEMENT) >= 0) {
            // A UTF-8 decoder that replaces bad bytes (InputStreamReader) leaves U+FFFD: the ids would be corrupt.
            return new LineResult.Rejected(lineNumber, "not valid UTF-8 (the line holds undecodable bytes)");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return new LineResult.Rejected(lineNumber, "not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new LineResult.Rejected(lineNumber, "not a JSON object");
        }
        JsonNode kind = node.get("kind");
        if (kind == null || kind.isNull()) {
            return new LineResult.Rejected(lineNumber, "kind is missing: " + KINDS);
        }
        if (!kind.isTextual()) {
            return new LineResult.Rejected(lineNumber, "kind must be a string, got " + JsonFields.type(kind) + ": " + KINDS);
        }
        JsonFields f = new JsonFields(node);
        CanonicalEvent event;
        try {
            event = switch (kind.asText()) {
                case "usage" -> usage(f);
                case "lifecycle" -> lifecycle(f);
                case "deployment" -> deployment(f);
                case "policy" -> policy(f);
                default -> null;
            };
        } catch (SecretRejectedException e) {
            return new LineResult.Rejected(lineNumber, e.getMessage());
        } catch (AvroRuntimeException e) {
            // Safety net: a value the Avro builder refuses must reject its line, not end the whole stream.
            return new LineResult.Rejected(lineNumber, "invalid " + kind.asText() + " event: " + e.getMessage());
        }
        if (!f.problems().isEmpty()) {
            return new LineResult.Rejected(lineNumber, String.join("; ", f.problems()));
        }
        if (event == null) {
            return new LineResult.Rejected(lineNumber, "unknown kind '" + kind.asText() + "': " + KINDS);
        }
        return new LineResult.Accepted(lineNumber, event);
    }

    private static CanonicalEvent usage(JsonFields f) {
        String eventId = f.requiredString("eventId");
        String tokenId = publicId(f, "tokenId", true);
        String tenant = f.requiredString("tenant");
        var occurredAt = f.requiredInstant("occurredAt");
        String scope = f.requiredString("scope");
        UsageOutcome outcome = f.requiredEnum("outcome", UsageOutcome.class);
        Integer count = f.optionalInt("count");
        if (count != null && count < 1) {
            f.problems().add("count must be at least 1, got " + count);
        }
        String principal = f.optionalString("principal");
        String serviceVersion = f.optionalString("serviceVersion");
        String resource = f.optionalString("resource");
        String sourceIp = f.optionalString("sourceIp");
        String userAgent = f.optionalString("userAgent");
        String region = f.optionalString("region");
        if (!f.problems().isEmpty()) {
            return null;
        }
        return new CanonicalEvent(TopicDef.USAGE, tokenId, TokenUsageEvent.newBuilder()
                .setEventId(eventId).setTokenId(tokenId).setTenant(tenant).setOccurredAt(occurredAt)
                .setPrincipal(principal).setServiceVersion(serviceVersion).setScope(scope).setResource(resource)
                .setOutcome(outcome).setSourceIp(sourceIp).setUserAgent(userAgent).setRegion(region)
                .setCount(count == null ? 1 : count)
                .build());
    }

    private static CanonicalEvent lifecycle(JsonFields f) {
        String eventId = f.requiredString("eventId");
        String tokenId = publicId(f, "tokenId", true);
        String tenant = f.requiredString("tenant");
        LifecycleType type = f.requiredEnum("type", LifecycleType.class);
        var occurredAt = f.requiredInstant("occurredAt");
        String issuer = f.requiredString("issuer");
        String replaces = publicId(f, "replacesTokenId", false);
        List<String> scopes = f.stringArray("scopes");
        var expiresAt = f.optionalInstant("expiresAt");
        var exposedAt = f.optionalInstant("exposedAt");
        String owner = f.optionalString("owner");
        String principal = f.optionalString("principal");
        String serviceVersion = f.optionalString("serviceVersion");
        String reason = f.optionalString("reason");
        var attributes = f.stringMap("attributes");
        if (!f.problems().isEmpty()) {
            return null;
        }
        return new CanonicalEvent(TopicDef.LIFECYCLE, tokenId, TokenLifecycleEvent.newBuilder()
                .setEventId(eventId).setTokenId(tokenId).setTenant(tenant).setType(type).setOccurredAt(occurredAt)
                .setOwner(owner).setPrincipal(principal).setServiceVersion(serviceVersion).setScopes(scopes)
                .setExpiresAt(expiresAt).setReplacesTokenId(replaces).setExposedAt(exposedAt).setReason(reason)
                .setIssuer(issuer).setAttributes(attributes)
                .build());
    }

    private static CanonicalEvent deployment(JsonFields f) {
        String eventId = f.requiredString("eventId");
        String tenant = f.requiredString("tenant");
        String service = f.requiredString("service");
        String version = f.requiredString("version");
        DeploymentType type = f.requiredEnum("type", DeploymentType.class);
        var occurredAt = f.requiredInstant("occurredAt");
        if (!f.problems().isEmpty()) {
            return null;
        }
        return new CanonicalEvent(TopicDef.DEPLOYMENTS, CanonicalEvent.deploymentKey(tenant, service, version),
                ServiceDeploymentEvent.newBuilder().setEventId(eventId).setTenant(tenant).setService(service)
                        .setVersion(version).setType(type).setOccurredAt(occurredAt).build());
    }

    private static CanonicalEvent policy(JsonFields f) {
        // Every member is read before the builder is touched: Avro's builder throws on a null tenant, and the
        // line must instead be rejected with all its problems.
        String tenant = f.requiredString("tenant");
        Long unusedAfter = f.optionalDurationMs("unusedAfter");
        Long scopeObservation = f.optionalDurationMs("scopeObservation");
        Long maxLifetime = f.optionalDurationMs("maxLifetime");
        Long expiryWarning = f.optionalDurationMs("expiryWarning");
        Long replacementSla = f.optionalDurationMs("replacementSla");
        Long sourceLearning = f.optionalDurationMs("sourceLearning");
        Double spikeFactor = f.optionalDouble("spikeFactor");
        Long spikeMinCount = f.optionalLong("spikeMinCount");
        Integer probeThreshold = f.optionalInt("probeThreshold");
        Long probeWindow = f.optionalDurationMs("probeWindow");
        Long alertCooldown = f.optionalDurationMs("alertCooldown");
        Long unknownGrace = f.optionalDurationMs("unknownGrace");
        Boolean discoverUnknown = f.optionalBoolean("discoverUnknown");
        Long ephemeralLifetime = f.optionalDurationMs("ephemeralLifetime");
        var occurredAt = f.optionalInstant("occurredAt");
        var effectiveFrom = f.optionalInstant("effectiveFrom");
        if (spikeFactor != null && spikeFactor <= 0) {
            f.problems().add("spikeFactor must be positive");
        }
        if (spikeMinCount != null && spikeMinCount < 1) {
            f.problems().add("spikeMinCount must be at least 1");
        }
        if (probeThreshold != null && probeThreshold < 1) {
            f.problems().add("probeThreshold must be at least 1");
        }
        if (!f.problems().isEmpty()) {
            return null;
        }
        return new CanonicalEvent(TopicDef.POLICIES, tenant, TokenPolicy.newBuilder()
                .setTenant(tenant)
                .setUnusedAfterMs(unusedAfter)
                .setScopeObservationMs(scopeObservation)
                .setMaxLifetimeMs(maxLifetime)
                .setExpiryWarningMs(expiryWarning)
                .setReplacementSlaMs(replacementSla)
                .setSourceLearningMs(sourceLearning)
                .setSpikeFactor(spikeFactor)
                .setSpikeMinCount(spikeMinCount)
                .setProbeThreshold(probeThreshold)
                .setProbeWindowMs(probeWindow)
                .setAlertCooldownMs(alertCooldown)
                .setUnknownGraceMs(unknownGrace)
                .setDiscoverUnknown(discoverUnknown)
                .setEphemeralLifetimeMs(ephemeralLifetime)
                .setOccurredAt(occurredAt)
                .setEffectiveFrom(effectiveFrom)
                .build());
    }

    /** A token id must be public: a value shaped like a raw secret rejects the line without echoing it. */
    private static String publicId(JsonFields f, String name, boolean required) {
        String v = required ? f.requiredString(name) : f.optionalString(name);
        if (v != null) {
            SecretGuard.requirePublicId(name, v);
        }
        return v;
    }
}
