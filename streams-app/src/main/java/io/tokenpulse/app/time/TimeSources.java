package io.tokenpulse.app.time;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many tasks make time promises of each kind: a processor waits for a promise from every one before its event
 * time moves, or a task that starts first would judge for the others. The counts are the partition counts of the
 * token inputs, the deployments topic and the version repartition topics; the app learns the first two from the
 * cluster after the topology is built, hence a holder set before the streams client starts (a TopologyTestDriver has
 * one partition of each). Configuration, not state: nothing here changes while the app runs.
 */
public final class TimeSources {
    /** Token tasks: promise links, bindings (eager, at their input's pace) and facts (at their judged time). */
    public static final String TOKEN = "token-";
    /** Deployment tasks: promise the deployments they relayed to the version processor. */
    public static final String DEPLOY = "deploy-";
    /** Policy tasks: promise the policies they relayed to the token tasks. */
    public static final String POLICY = "policy-";
    /** Version tasks: promise the version links they sent to the token tasks. */
    public static final String VERSION = "version-";

    private final AtomicInteger tokenPartitions = new AtomicInteger(1);
    private final AtomicInteger deploymentPartitions = new AtomicInteger(1);
    private final AtomicInteger policyPartitions = new AtomicInteger(1);
    private final int versionPartitions;

    public TimeSources(int versionPartitions) {
        this.versionPartitions = positive(versionPartitions, "version partitions");
    }

    public void expect(int tokenPartitions, int deploymentPartitions, int policyPartitions) {
        this.tokenPartitions.set(positive(tokenPartitions, "token partitions"));
        this.deploymentPartitions.set(positive(deploymentPartitions, "deployment partitions"));
        this.policyPartitions.set(positive(policyPartitions, "policy partitions"));
    }

    public int tokenPartitions() {
        return tokenPartitions.get();
    }

    /** The sources a token task waits for on its links partition: every token, version and policy task. */
    public Set<String> ofTokenLinks() {
        Set<String> s = names(TOKEN, tokenPartitions.get());
        s.addAll(names(VERSION, versionPartitions));
        s.addAll(names(POLICY, policyPartitions.get()));
        return s;
    }

    /** The sources a version task waits for: every token task (bindings) and every deployment task. */
    public Set<String> ofVersions() {
        Set<String> s = names(TOKEN, tokenPartitions.get());
        s.addAll(names(DEPLOY, deploymentPartitions.get()));
        return s;
    }

    /** The sources the report processor waits for: every token task. */
    public Set<String> ofReports() {
        return names(TOKEN, tokenPartitions.get());
    }

    /**
     * Whether a source's promises only cap the watermark: a policy task's time is an effectiveFrom, which says when a
     * policy starts to judge, not how far event time has come, so it may hold time back but never move it on.
     */
    public static boolean capsOnly(String source) {
        return source.startsWith(POLICY);
    }

    private static Set<String> names(String kind, int count) {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            s.add(kind + i);
        }
        return s;
    }

    private static int positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1: " + n);
        }
        return n;
    }
}
