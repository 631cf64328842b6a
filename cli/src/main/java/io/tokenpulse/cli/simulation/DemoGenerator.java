package io.tokenpulse.cli.simulation;

import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.LifecycleType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.TokenLifecycleEvent;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.TokenUsageEvent;
import io.tokenpulse.avro.UsageOutcome;
import io.tokenpulse.producers.sdk.TokenPulsePublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small live fleet for the demo and the compose stack: a tenant with a demo policy whose durations are
 * minutes instead of months, healthy tokens in steady use, and every few seconds one misbehaving story
 * (a forgotten token, an over-grant, a leak with probing, a revoked key still tried, ...) so that each
 * kind of alert shows up within a few minutes. Event time is the wall clock: this is live traffic.
 */
final class DemoGenerator implements Runnable {
    static final String TENANT = "demo";
    private static final String SPIKY = "demo-reports-spiky";

    private final TokenPulsePublisher publisher;
    private final double eventsPerSecond;
    private final Clock clock;
    private final Random random;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<String> healthy = new ArrayList<>();
    private long sequence;
    private int story;
    private String revoked;
    private String overGranted;
    private String expiring;

    DemoGenerator(TokenPulsePublisher publisher, double eventsPerSecond, long seed, Clock clock) {
        this.publisher = publisher;
        this.eventsPerSecond = eventsPerSecond;
        this.clock = clock;
        this.random = new Random(seed);
    }

    long published() {
        return published.get();
    }

    long failed() {
        return failed.get();
    }

    void stop() {
        stop.set(true);
    }

    @Override
    public void run() {
        policy();
        // History first, in event-time order, as any backfill must come: a token with twenty minutes of quiet use, so
        // that a burst in the current 5-minute window has a mean to be compared with (USAGE_SPIKE needs completed
        // windows since the first use). Published after the live tokens, its old uses would be late records.
        lifecycle(SPIKY, LifecycleType.ISSUED, "reports", "1.0", List.of("reports:read"), now().plus(Duration.ofDays(30)),
                null, null, now().minus(Duration.ofMinutes(20)));
        for (int minutes = 20; minutes > 0; minutes--) { // every minute: never idle long enough to be UNUSED
            use(SPIKY, "reports:read", UsageOutcome.ALLOWED, "reports", "1.0", "10.0.6.6", "reports/1.0", 1,
                    now().minus(Duration.ofMinutes(minutes)));
        }
        for (int i = 0; i < 20; i++) {
            String id = "demo-svc-" + i;
            issue(id, "checkout", "2.3", List.of("orders:read", "orders:write"), Duration.ofDays(30), null);
            healthy.add(id);
        }
        deploy("checkout", "2.3", DeploymentType.DEPLOYED);
        long nanosPerEvent = (long) (1e9 / eventsPerSecond);
        long next = System.nanoTime();
        long nextStory = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!stop.get()) {
            String token = healthy.get(random.nextInt(healthy.size()));
            use(token, random.nextBoolean() ? "orders:read" : "orders:write", UsageOutcome.ALLOWED, "checkout", "2.3",
                    "10.0.1." + (1 + random.nextInt(3)), "checkout/2.3", 1);
            if (System.nanoTime() >= nextStory) {
                nextStory = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                nextStory();
            }
            next += nanosPerEvent;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One misbehaving token per call, in a fixed rotation. */
    private void nextStory() {
        int n = story++;
        if (overGranted != null) { // in steady use, but only ever of one of its three scopes
            use(overGranted, "billing:read", UsageOutcome.ALLOWED, "billing", "4.1", "10.0.2.5", "billing/4.1", 1);
        }
        String id = "demo-story-" + n;
        switch (n % 10) {
            case 0 -> issue(id, "reports", "1.0", List.of("reports:read"), Duration.ofDays(30), null); // forgotten: UNUSED_TOKEN
            case 1 -> { // over-granted: OVER_PRIVILEGED once the observation window passes
                issue(id, "billing", "4.1", List.of("billing:read", "billing:write", "admin:all"), Duration.ofDays(30), null);
                use(id, "billing:read", UsageOutcome.ALLOWED, "billing", "4.1", "10.0.2.5", "billing/4.1", 1);
                overGranted = id;
            }
            case 2 -> { // a leaked key used from elsewhere, probing scopes: NEW_SOURCE, PRINCIPAL_MISMATCH, SCOPE_PROBING
                String leaked = healthy.get(0);
                use(leaked, "orders:read", UsageOutcome.ALLOWED, "unknown-bot", null, "198.51.100." + n, "curl/8.5", 1);
                use(leaked, "admin:all", UsageOutcome.DENIED_SCOPE, "unknown-bot", null, "198.51.100." + n, "curl/8.5", 12);
            }
            case 3 -> { // revoked now, tried in the next story: REVOKED_TOKEN_USED
                issue(id, "search", "3.0", List.of("search:read"), Duration.ofDays(30), null);
                lifecycle(id, LifecycleType.REVOKED, null, null, List.of(), null, null);
                revoked = id;
            }
            case 4 -> {
                use("demo-unknown-" + n, "orders:read", UsageOutcome.ALLOWED, null, null, "10.0.9.9", "legacy-cron", 1); // UNKNOWN_TOKEN_USED
                use(healthy.get(1), "orders:read", UsageOutcome.ALLOWED, "checkout", "2.2", "10.0.1.1", "checkout/2.2", 1); // VERSION_MISMATCH
                if (revoked != null) {
                    use(revoked, "search:read", UsageOutcome.DENIED_REVOKED, "search", "3.0", "10.0.3.9", "search/3.0", 2);
                }
                if (expiring != null) { // issued a story round ago with a 30-second life: EXPIRED_TOKEN_USED
                    use(expiring, "mail:send", UsageOutcome.DENIED_EXPIRED, "mailer", "5.0", "10.0.4.4", "mailer/5.0", 1);
                }
            }
            case 5 -> { // rotation that widens the grant: SCOPE_CREEP; and a burst on a busy token: USAGE_SPIKE
                issue(id, "ledger", "1.2", List.of("ledger:read"), Duration.ofDays(30), null);
                issue(id + "-r", "ledger", "1.2", List.of("ledger:read", "ledger:write"), Duration.ofDays(30), id);
                use(SPIKY, "reports:read", UsageOutcome.ALLOWED, "reports", "1.0", "10.0.6.6", "reports/1.0", 5000, now());
            }
            case 6 -> { // no expiry: EXPIRY_POLICY_VIOLATION; and a malformed use (count 0) that goes to the dead-letter topic
                issue(id, "batch", "0.9", List.of("batch:run"), null, null);
                use(id, "batch:run", UsageOutcome.ALLOWED, "batch", "0.9", "10.0.5.5", "batch/0.9", 0);
            }
            case 7 -> { // expires within the warning and nobody replaces it: EXPIRING_UNREPLACED
                issue(id, "mailer", "5.0", List.of("mail:send"), Duration.ofSeconds(30), null);
                expiring = id;
            }
            case 8 -> { // compromised and never replaced: REPLACEMENT_OVERDUE after the demo SLA
                issue(id, "payments", "7.0", List.of("payments:charge"), Duration.ofDays(30), null);
                lifecycle(id, LifecycleType.COMPROMISED, null, null, List.of(), null, now().minusSeconds(30));
            }
            default -> { // a version retired under a live token: RETIRED_VERSION_TOKEN
                issue(id, "inventory", "1." + n, List.of("stock:read"), Duration.ofDays(30), null);
                deploy("inventory", "1." + n, DeploymentType.RETIRED);
            }
        }
    }

    private void policy() {
        count(publisher.policy(TokenPolicy.newBuilder().setTenant(TENANT)
                .setUnusedAfterMs(Duration.ofMinutes(2).toMillis())
                .setScopeObservationMs(Duration.ofMinutes(2).toMillis())
                .setMaxLifetimeMs(Duration.ofDays(90).toMillis())
                .setExpiryWarningMs(Duration.ofMinutes(5).toMillis())
                .setReplacementSlaMs(Duration.ofMinutes(1).toMillis())
                .setSourceLearningMs(Duration.ofSeconds(20).toMillis())
                .setAlertCooldownMs(Duration.ofMinutes(1).toMillis())
                .setUnknownGraceMs(Duration.ofSeconds(10).toMillis())
                .setProbeThreshold(10)
                // Healthy demo tokens make ~300 requests per 5 minutes; only the injected burst is a spike.
                .setSpikeMinCount(1000L)
                .build()));
    }

    private void issue(String id, String principal, String version, List<String> scopes, Duration lifetime, String replaces) {
        lifecycle(id, replaces == null ? LifecycleType.ISSUED : LifecycleType.ROTATED, principal, version, scopes,
                lifetime == null ? null : now().plus(lifetime), null, replaces);
    }

    private void lifecycle(String id, LifecycleType type, String principal, String version, List<String> scopes,
                           Instant expiresAt, Instant exposedAt) {
        lifecycle(id, type, principal, version, scopes, expiresAt, exposedAt, null);
    }

    private void lifecycle(String id, LifecycleType type, String principal, String version, List<String> scopes,
                           Instant expiresAt, Instant exposedAt, String replaces) {
        lifecycle(id, type, principal, version, scopes, expiresAt, exposedAt, replaces, now());
    }

    private void lifecycle(String id, LifecycleType type, String principal, String version, List<String> scopes,
                           Instant expiresAt, Instant exposedAt, String replaces, Instant at) {
        count(publisher.lifecycle(TokenLifecycleEvent.newBuilder()
                .setEventId("demo-" + sequence++).setTokenId(id).setTenant(TENANT).setType(type).setOccurredAt(at)
                .setOwner(principal == null ? null : "team-" + principal).setPrincipal(principal).setServiceVersion(version)
                .setScopes(scopes).setExpiresAt(expiresAt).setReplacesTokenId(replaces).setExposedAt(exposedAt)
                .setIssuer("internal").build()));
    }

    private void use(String id, String scope, UsageOutcome outcome, String principal, String version, String ip, String agent, int count) {
        use(id, scope, outcome, principal, version, ip, agent, count, now());
    }

    private void use(String id, String scope, UsageOutcome outcome, String principal, String version, String ip, String agent,
                     int count, Instant at) {
        count(publisher.usage(TokenUsageEvent.newBuilder()
                .setEventId("demo-" + sequence++).setTokenId(id).setTenant(TENANT).setOccurredAt(at)
                .setPrincipal(principal).setServiceVersion(version).setScope(scope).setOutcome(outcome)
                .setSourceIp(ip).setUserAgent(agent).setCount(count).build()));
    }

    private void deploy(String service, String version, DeploymentType type) {
        count(publisher.deployment(ServiceDeploymentEvent.newBuilder().setEventId("demo-" + sequence++).setTenant(TENANT)
                .setService(service).setVersion(version).setType(type).setOccurredAt(now()).build()));
    }

    private void count(java.util.concurrent.CompletableFuture<?> sent) {
        // The counters are the outcome; the future whenComplete returns would only repeat it.
        var unused = sent.whenComplete((m, e) -> (e == null ? published : failed).incrementAndGet());
    }

    private Instant now() {
        return clock.instant();
    }
}
