package io.tokenpulse.bench.faults;

import static io.tokenpulse.bench.faults.FaultHarness.secs;
import static io.tokenpulse.bench.faults.FaultHarness.since;

import io.tokenpulse.local.LocalStack;
import io.tokenpulse.local.StackOptions;
import io.tokenpulse.local.StackStatus;
import io.tokenpulse.schemas.TopicDef;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * The faults of the disturbed run, each at a point of its progress, and what each cost: how long until the
 * cluster was whole again and until the group committed progress again. Also how long every instance took to
 * close, since a close that overruns its shutdown timeout fails the run.
 */
final class Faults {
    private final LocalStack stack;
    private final RunProgress progress;
    private final String group;
    private final Map<TopicDef, String> topics;
    private final PrintStream out;
    private final List<FaultHarness.Fault> faults = new ArrayList<>();
    private final List<String> closeTimes = new ArrayList<>();
    private final List<String> closeOverruns = new ArrayList<>();

    /** The state a restore brought back, and how long it took. */
    record Restore(long bytes, Duration time) {
    }

    Faults(LocalStack stack, RunProgress progress, String group, Map<TopicDef, String> topics, PrintStream out) {
        this.stack = stack;
        this.progress = progress;
        this.group = group;
        this.topics = topics;
        this.out = out;
    }

    List<FaultHarness.Fault> faults() {
        return List.copyOf(faults);
    }

    List<String> closeTimes() {
        return List.copyOf(closeTimes);
    }

    List<String> closeOverruns() {
        return List.copyOf(closeOverruns);
    }

    /** One broker kill mid-publish, one instance kill mid-processing, one state restore. */
    Restore shortFaults(Instance a, Instance b, Process publish) throws Exception {
        progress.awaitPublished(topics, 0.3, publish);
        killBroker(2, "mid-publish", true);
        progress.awaitProcessed(group, topics, 0.4);
        killInstance(a);
        progress.awaitProcessed(group, topics, 0.7);
        return restore(b);
    }

    /** Every fault of issue 14; the network partition only when {@code a} runs in a namespace of its own. */
    Restore longFaults(Instance a, Instance b, Process publish) throws Exception {
        progress.awaitPublished(topics, 0.2, publish);
        killBroker(2, "mid-publish", true);
        progress.awaitProcessed(group, topics, 0.15);
        killInstance(a);
        progress.awaitProcessed(group, topics, 0.3);
        killBroker(3, "mid-processing", true);
        progress.awaitProcessed(group, topics, 0.4);
        killInstance(b);
        progress.awaitProcessed(group, topics, 0.5);
        killBroker(1, "clean bounce", false);
        if (a.network() != null) {
            progress.awaitProcessed(group, topics, 0.55);
            partition(a);
        }
        progress.awaitProcessed(group, topics, 0.65);
        zombie(a);
        progress.awaitProcessed(group, topics, 0.76);
        killInstance(a);
        progress.awaitProcessed(group, topics, 0.85);
        Restore restore = restore(b);
        closeDuringBrokerOutage(a);
        return restore;
    }

    private void killBroker(int id, String when, boolean kill9) throws Exception {
        String at = progress.describe(group, topics);
        StackStatus.Broker broker = stack.status().brokers().get(id - 1);
        ProcessHandle p = ProcessHandle.of(broker.pid()).orElseThrow();
        long before = progress.committed(group, topics);
        long t0 = System.nanoTime();
        if (kill9) {
            p.destroyForcibly();
        } else {
            p.destroy();
        }
        p.onExit().get(60, TimeUnit.SECONDS);
        FaultHarness.log(out, "broker %d %s (%s)", id, kill9 ? "killed (SIGKILL)" : "stopped (SIGTERM)", at);
        Thread.sleep(3_000);
        stack.up(StackOptions.defaults().withTimeout(Duration.ofMinutes(2)));
        Duration back = since(t0);
        faults.add(new FaultHarness.Fault((kill9 ? "kill -9 broker " : "clean bounce of broker ") + id + " (" + when + ")", at,
                back, progress.resumed(group, topics, before, t0), "restarted by 'up' after 3 s down"));
    }

    private void killInstance(Instance i) throws Exception {
        String at = progress.describe(group, topics);
        long before = progress.committed(group, topics);
        long t0 = System.nanoTime();
        i.kill9();
        i.start();
        Duration running = i.awaitRunning(Duration.ofMinutes(3));
        faults.add(new FaultHarness.Fault("kill -9 instance " + i.name + ", restarted at once", at, running,
                progress.resumed(group, topics, before, t0), "back = until the new process was RUNNING"));
    }

    private void zombie(Instance i) throws Exception {
        String at = progress.describe(group, topics);
        long before = progress.committed(group, topics);
        Set<TopicPartition> held = progress.heldBy(group, i.name, topics);
        long heldBefore = progress.committed(group, topics, held);
        long t0 = System.nanoTime();
        i.signal("STOP");
        Duration stopped = FaultHarness.MAX_POLL_INTERVAL.plusSeconds(10);
        Duration resumed = takenOverWithin(held, heldBefore, t0, stopped);
        long duringStop = progress.committed(group, topics);
        i.signal("CONT");
        faults.add(new FaultHarness.Fault("SIGSTOP instance " + i.name + " " + stopped.toSeconds() + " s, then SIGCONT", at,
                since(t0), resumed, "resumed = until its " + held.size() + " input partitions were committed by another member; "
                + "the group committed " + (duringStop - before) + " more input offsets while it was stopped; its zombie must be fenced"));
        Thread.sleep(5_000);
        if (!i.alive()) {
            // A fenced zombie may die; that is allowed, losing or repeating output is not.
            i.start().awaitRunning(Duration.ofMinutes(3));
        }
    }

    /**
     * Cuts the instance's network link for longer than its session timeout and max.poll.interval.ms together, so the
     * group gives its tasks to the other instance while it still runs and holds open transactions; then heals the
     * link. Back is from the heal until the instance is a member of the group with partitions again.
     */
    private void partition(Instance i) throws Exception {
        // Cut it while it holds tasks (after the last fault it may still be rejoining), or the cut proves little.
        progress.awaitMember(group, i.name, Duration.ofMinutes(2));
        String at = progress.describe(group, topics);
        long before = progress.committed(group, topics);
        Duration length = FaultHarness.SESSION_TIMEOUT.plus(FaultHarness.MAX_POLL_INTERVAL).plusSeconds(10);
        Set<TopicPartition> held = progress.heldBy(group, i.name, topics);
        long heldBefore = progress.committed(group, topics, held);
        long t0 = System.nanoTime();
        i.network().cut();
        FaultHarness.log(out, "instance %s cut off (%s) for %d s (%s)", i.name, i.network().describe(), length.toSeconds(), at);
        Duration resumed = takenOverWithin(held, heldBefore, t0, length);
        long duringCut = progress.committed(group, topics);
        i.network().heal();
        long healed = System.nanoTime();
        Duration rejoined = progress.awaitMember(group, i.name, Duration.ofMinutes(3));
        String fate = "";
        if (!i.alive()) {
            // Fenced after the heal, it may give up and exit; restarting it is the operator's part, not a loss.
            fate = "; it exited after the heal and was restarted";
            i.start().awaitRunning(Duration.ofMinutes(3));
            rejoined = progress.awaitMember(group, i.name, Duration.ofMinutes(3));
        }
        faults.add(new FaultHarness.Fault("network partition of instance " + i.name + " " + length.toSeconds() + " s", at,
                rejoined == null ? null : Duration.ofNanos(System.nanoTime() - healed),
                resumed, "back = from the heal until it held partitions again; resumed = until its " + held.size()
                        + " input partitions were committed by another member; the group committed " + (duringCut - before)
                        + " more input offsets during the cut" + fate));
    }

    /**
     * Watches, for {@code length} from {@code t0} (while the instance that held them is stopped or cut off), the
     * committed offsets of the input partitions it held: how long until another member moved them past
     * {@code before}, or null if none did within that time (or it held nothing with input left).
     */
    private Duration takenOverWithin(Set<TopicPartition> held, long before, long t0, Duration length) throws Exception {
        long end = t0 + length.toNanos();
        Duration resumed = null;
        while (System.nanoTime() < end) {
            if (resumed == null && !held.isEmpty() && progress.committed(group, topics, held) > before) {
                resumed = since(t0);
            }
            Thread.sleep(Math.max(0, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
        }
        return resumed;
    }

    private Restore restore(Instance i) throws Exception {
        String at = progress.describe(group, topics);
        long before = progress.committed(group, topics);
        i.kill9();
        long bytes = i.stateBytes();
        i.deleteState();
        long t0 = System.nanoTime();
        i.start();
        Duration restored = i.awaitRunning(Duration.ofMinutes(5));
        faults.add(new FaultHarness.Fault("state dir of " + i.name + " deleted (" + bytes / 1024 + " KiB), restarted", at,
                restored, progress.resumed(group, topics, before, t0), "back = restore from changelogs until RUNNING"));
        return new Restore(bytes, restored);
    }

    private void closeDuringBrokerOutage(Instance i) throws Exception {
        String at = progress.describe(group, topics);
        StackStatus.Broker broker = stack.status().brokers().get(1);
        ProcessHandle p = ProcessHandle.of(broker.pid()).orElseThrow();
        p.destroyForcibly();
        p.onExit().get(60, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        close(i);
        Duration closed = since(t0);
        stack.up(StackOptions.defaults().withTimeout(Duration.ofMinutes(2)));
        i.start().awaitRunning(Duration.ofMinutes(3));
        faults.add(new FaultHarness.Fault("close " + i.name + " while broker 2 is dead", at, since(t0), null,
                "close took " + secs(closed)));
    }

    /** SIGTERM, timed: an instance still there after its shutdown timeout and 15 s is an overrun. */
    void close(Instance i) throws InterruptedException {
        Duration limit = FaultHarness.SHUTDOWN_TIMEOUT.plusSeconds(15);
        Duration took = i.stop(limit);
        if (took == null) {
            closeOverruns.add(i.name + " did not exit within " + limit.toSeconds() + " s of SIGTERM");
        } else {
            closeTimes.add(i.name + " " + secs(took));
        }
    }
}
