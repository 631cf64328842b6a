package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.avro.AlertType;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.RemediationAction;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenAlert;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.avro.state.TokenState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Detection scenarios over the whole pipeline in a TopologyTestDriver: typed event helpers with valid defaults,
 * and the alerts and actions written so far (each read once). Scenarios start at {@link #T0}, far enough before
 * {@link Pipeline#NOW} that months of event time fit, since events may not be more than a day ahead of the clock.
 */
public final class Fleet implements AutoCloseable {
    public static final Instant T0 = Pipeline.NOW.minus(Duration.ofDays(400));
    public static final String TENANT = "acme";

    public final Pipeline p;
    private final List<TokenAlert> alerts = new ArrayList<>();
    private final List<RemediationAction> actions = new ArrayList<>();
    private int sequence;

    public Fleet(Path stateDir) {
        this(stateDir, Map.of());
    }

    public Fleet(Path stateDir, Map<String, String> overrides) {
        this.p = new Pipeline(stateDir, overrides);
    }

    public static Instant at(Duration sinceT0) {
        return T0.plus(sinceT0);
    }

    public static Duration days(long d) {
        return Duration.ofDays(d);
    }

    // ---- inputs ----

    public Fleet issue(String tokenId, Instant at, List<String> scopes, Instant expiresAt) {
        return lifecycle(tokenId, LifecycleType.ISSUED, at, b -> b.setScopes(scopes).setExpiresAt(expiresAt));
    }

    /** A token valid for a year, with two scopes. */
    public Fleet issue(String tokenId, Instant at) {
        return issue(tokenId, at, List.of("repo:read", "repo:write"), at.plus(days(365)));
    }

    public Fleet lifecycle(String tokenId, LifecycleType type, Instant at, Consumer<TokenLifecycleEvent.Builder> edit) {
        TokenLifecycleEvent.Builder b = Pipeline.lifecycle("l" + (sequence++), tokenId, type, at);
        edit.accept(b);
        p.send(p.topics.lifecycle(), tokenId, b.build());
        return this;
    }

    public Fleet use(String tokenId, Instant at) {
        return use(tokenId, at, b -> { });
    }

    public Fleet use(String tokenId, Instant at, Consumer<TokenUsageEvent.Builder> edit) {
        TokenUsageEvent.Builder b = Pipeline.usage("u" + (sequence++), tokenId, at).setPrincipal("checkout")
                .setServiceVersion("1.4.2").setSourceIp("10.0.0.1").setUserAgent("checkout/1.4.2");
        edit.accept(b);
        p.send(p.topics.usage(), tokenId, b.build());
        return this;
    }

    public Fleet usageEvent(TokenUsageEvent e) {
        p.send(p.topics.usage(), e.getTokenId(), e);
        return this;
    }

    public Fleet denied(String tokenId, Instant at, String scope, int count) {
        return use(tokenId, at, b -> b.setScope(scope).setOutcome(UsageOutcome.DENIED_SCOPE).setCount(count));
    }

    public Fleet policy(Consumer<TokenPolicy.Builder> edit) {
        TokenPolicy.Builder b = TokenPolicy.newBuilder().setTenant(TENANT);
        edit.accept(b);
        p.send(p.topics.policies(), TENANT, b.build());
        return this;
    }

    public Fleet deploy(String service, String version, DeploymentType type, Instant at) {
        p.send(p.topics.deployments(), io.tokenpulse.schemas.Keys.deployment(TENANT, service, version), ServiceDeploymentEvent.newBuilder()
                .setEventId("d" + (sequence++)).setTenant(TENANT).setService(service).setVersion(version).setType(type)
                .setOccurredAt(at).build());
        return this;
    }

    /** Moves stream time to {@code at} with a use of an unrelated token (a clock tick in the data). */
    public Fleet tick(Instant at) {
        return use("clock-" + (sequence++), at, b -> b.setTenant("clock-tenant"));
    }

    // ---- outputs ----

    /** Alerts written since the last call, the clock tenant's excluded. */
    public List<TokenAlert> newAlerts() {
        for (TestRecord<String, TokenAlert> r : p.read(p.topics.alerts())) {
            if (!r.key().equals(r.value().getTokenId())) {
                throw new AssertionError("token-alerts is keyed by tokenId: " + r);
            }
            if (!r.value().getTenant().equals("clock-tenant")) {
                alerts.add(r.value());
            }
        }
        for (TestRecord<String, RemediationAction> r : p.read(p.topics.actions())) {
            if (!r.key().equals(r.value().getTokenId())) {
                throw new AssertionError("token-actions is keyed by tokenId: " + r);
            }
            if (!r.value().getTenant().equals("clock-tenant")) {
                actions.add(r.value());
            }
        }
        List<TokenAlert> fresh = new ArrayList<>(alerts);
        alerts.clear();
        return fresh;
    }

    public List<TokenAlert> newAlerts(AlertType type) {
        return newAlerts().stream().filter(a -> a.getType() == type).toList();
    }

    /** Actions collected while reading alerts. */
    public List<RemediationAction> actions() {
        return actions;
    }

    /**
     * The one alert of {@code type} written since the last read (others are dropped), after checking what every
     * alert owes a person: its severity and action, emittedAt on the wall clock, and the RemediationAction that goes
     * with it on token-actions (same token, action, reason and suggested scopes).
     */
    public TokenAlert one(AlertType type) {
        List<TokenAlert> got = newAlerts(type);
        if (got.size() != 1) {
            throw new AssertionError("expected exactly one " + type + ", got " + got);
        }
        TokenAlert a = got.get(0);
        assertEquals(AlertFactory.severityFor(type), a.getSeverity(), "severity");
        assertEquals(Pipeline.NOW, a.getEmittedAt(), "emittedAt is the wall clock");
        assertFalse(a.getSummary().isBlank(), "a summary sentence");
        RemediationAction action = actionOf(a);
        assertEquals(a.getTokenId(), action.getTokenId());
        assertEquals(a.getTenant(), action.getTenant());
        assertEquals(a.getAction(), action.getAction());
        assertEquals(type, action.getReason());
        assertEquals(a.getSuggestedScopes(), action.getSuggestedScopes());
        assertEquals(Pipeline.NOW, action.getRequestedAt());
        return a;
    }

    /** The action written for {@code alert} (its id is derived from the alert's). */
    public RemediationAction actionOf(TokenAlert alert) {
        String id = UUID.nameUUIDFromBytes(("action|" + alert.getAlertId()).getBytes(StandardCharsets.UTF_8)).toString();
        return actions.stream().filter(x -> x.getActionId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no action for " + alert + " in " + actions));
    }

    /** The id a condition must get: state conditions have no discriminator, event conditions the triggering eventId. */
    public static String alertId(AlertType type, String tokenId, Instant eventTime, String discriminator) {
        return AlertFactory.alertId(type, tokenId, eventTime.toEpochMilli(), discriminator);
    }

    /** Only the wall clock moves (punctuators run), as in an idle live system. */
    public Fleet wall(Duration d) {
        p.driver.advanceWallClockTime(d);
        return this;
    }

    public TokenState state(String tokenId) {
        return p.tokenState(tokenId).orElseThrow(() -> new AssertionError("no state for " + tokenId));
    }

    @Override
    public void close() {
        p.close();
    }
}
