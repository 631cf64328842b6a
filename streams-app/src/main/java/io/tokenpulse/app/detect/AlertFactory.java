package io.tokenpulse.app.detect;

import io.tokenpulse.avro.ActionType;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.Severity;
import io.tokenpulse.avro.TokenAlert;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds alerts and the remediation actions that go with them. Ids are name-based UUIDs of what makes
 * the condition unique (type, token, the event time it became true, and a discriminator such as the
 * triggering eventId), so a replay of the same input yields the same ids.
 */
public final class AlertFactory {
    private static final Map<AlertType, Severity> SEVERITY = new EnumMap<>(Map.ofEntries(
            Map.entry(AlertType.UNUSED_TOKEN, Severity.LOW),
            Map.entry(AlertType.OVER_PRIVILEGED, Severity.MEDIUM),
            Map.entry(AlertType.SCOPE_CREEP, Severity.MEDIUM),
            Map.entry(AlertType.SCOPE_PROBING, Severity.HIGH),
            Map.entry(AlertType.REVOKED_TOKEN_USED, Severity.HIGH),
            Map.entry(AlertType.EXPIRED_TOKEN_USED, Severity.MEDIUM),
            Map.entry(AlertType.UNKNOWN_TOKEN_USED, Severity.HIGH),
            Map.entry(AlertType.NEW_SOURCE, Severity.MEDIUM),
            Map.entry(AlertType.USAGE_SPIKE, Severity.MEDIUM),
            Map.entry(AlertType.PRINCIPAL_MISMATCH, Severity.HIGH),
            Map.entry(AlertType.VERSION_MISMATCH, Severity.MEDIUM),
            Map.entry(AlertType.RETIRED_VERSION_TOKEN, Severity.MEDIUM),
            Map.entry(AlertType.EXPIRY_POLICY_VIOLATION, Severity.LOW),
            Map.entry(AlertType.EXPIRING_UNREPLACED, Severity.MEDIUM),
            Map.entry(AlertType.REPLACEMENT_OVERDUE, Severity.CRITICAL)));

    /** What automation should do: narrow over-grants, revoke the forgotten, rotate the exposed or expiring. */
    private static final Map<AlertType, ActionType> ACTION = new EnumMap<>(Map.ofEntries(
            Map.entry(AlertType.UNUSED_TOKEN, ActionType.REVOKE),
            Map.entry(AlertType.OVER_PRIVILEGED, ActionType.NARROW_SCOPES),
            Map.entry(AlertType.SCOPE_CREEP, ActionType.NARROW_SCOPES),
            Map.entry(AlertType.SCOPE_PROBING, ActionType.INVESTIGATE),
            Map.entry(AlertType.REVOKED_TOKEN_USED, ActionType.INVESTIGATE),
            Map.entry(AlertType.EXPIRED_TOKEN_USED, ActionType.INVESTIGATE),
            Map.entry(AlertType.UNKNOWN_TOKEN_USED, ActionType.INVESTIGATE),
            Map.entry(AlertType.NEW_SOURCE, ActionType.INVESTIGATE),
            Map.entry(AlertType.USAGE_SPIKE, ActionType.INVESTIGATE),
            Map.entry(AlertType.PRINCIPAL_MISMATCH, ActionType.INVESTIGATE),
            Map.entry(AlertType.VERSION_MISMATCH, ActionType.INVESTIGATE),
            Map.entry(AlertType.RETIRED_VERSION_TOKEN, ActionType.ROTATE),
            Map.entry(AlertType.EXPIRY_POLICY_VIOLATION, ActionType.ROTATE),
            Map.entry(AlertType.EXPIRING_UNREPLACED, ActionType.ROTATE),
            Map.entry(AlertType.REPLACEMENT_OVERDUE, ActionType.ROTATE)));

    private final Clock clock;

    public AlertFactory(Clock clock) {
        this.clock = clock;
    }

    public static ActionType actionFor(AlertType type) {
        return ACTION.get(type);
    }

    public static Severity severityFor(AlertType type) {
        return SEVERITY.get(type);
    }

    /** The deterministic id of a condition. */
    public static String alertId(AlertType type, String tokenId, long eventTime, String discriminator) {
        String name = type.name() + '|' + tokenId + '|' + eventTime + '|' + (discriminator == null ? "" : discriminator);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public TokenAlert alert(Finding f) {
        return TokenAlert.newBuilder()
                .setAlertId(alertId(f.type(), f.tokenId(), f.eventTime(), f.discriminator()))
                .setType(f.type())
                .setSeverity(SEVERITY.get(f.type()))
                .setTenant(f.tenant())
                .setTokenId(f.tokenId())
                .setOwner(f.owner())
                .setPrincipal(f.principal())
                .setEventTime(Instant.ofEpochMilli(f.eventTime()))
                .setEmittedAt(clock.instant())
                .setSummary(f.summary())
                .setEvidence(f.evidence())
                .setAction(ACTION.get(f.type()))
                .setSuggestedScopes(f.suggestedScopes())
                .build();
    }

    /** The action that goes with an alert; null when the alert asks for none. */
    public RemediationAction action(TokenAlert alert) {
        if (alert.getAction() == ActionType.NONE) {
            return null;
        }
        return RemediationAction.newBuilder()
                .setActionId(UUID.nameUUIDFromBytes(("action|" + alert.getAlertId()).getBytes(StandardCharsets.UTF_8)).toString())
                .setTokenId(alert.getTokenId())
                .setTenant(alert.getTenant())
                .setAction(alert.getAction())
                .setReason(alert.getType())
                .setSuggestedScopes(List.copyOf(alert.getSuggestedScopes()))
                .setRequestedAt(alert.getEmittedAt())
                .build();
    }
}
