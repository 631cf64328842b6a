package io.tokenpulse.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault harness's short mode: on three local brokers, two instances process the simulator's fleet while a broker
 * is killed mid-publish, an instance is killed mid-processing and another loses its state; the outputs must be
 * exactly those of an undisturbed run. (The long mode runs by hand: bench/faults.sh long.)
 */
class FaultHarnessIT {
    @TempDir
    Path work;

    @Test
    void brokerKillInstanceKillAndRestoreChangeNoOutput() throws Exception {
        FaultHarness.Result result = FaultHarness.run(new FaultHarness.Options(work, false, 2, 120, 10, false, false), System.out);
        System.out.print(result.describe());

        // Not a record lost or repeated on the way in: the publisher's sends all acknowledged, each once
        assertEquals(0, result.publishExit(), result.publishSummary());
        assertEquals(result.expectedInput(), result.inputRecords(), "input records on the topics");

        // The three faults happened
        assertEquals(3, result.faults().size(), result.describe());

        // The same alerts, actions, incidents and reports as the undisturbed run; none missing, none twice
        OutputVerifier.Verdict v = result.verdict();
        for (String topic : java.util.List.of("token-alerts", "token-actions", "token-incidents", "token-reports")) {
            int[] d = v.perTopic().get(topic);
            assertTrue(d[0] > 0, topic + " compared nothing\n" + result.describe());
            assertEquals(0, d[1] + d[2] + d[3] + d[4], topic + " differs from the reference\n" + result.describe());
        }
        assertEquals(0, v.duplicatedAnywhere(), result.describe());

        // No transaction left open, every instance closed within its timeout, and the same score against the truth
        assertEquals(java.util.List.of(), result.openTransactions());
        assertEquals(java.util.List.of(), result.closeOverruns());
        assertEquals(result.evaluateReference(), result.evaluateRun());
        assertTrue(result.evaluateRun().values().stream().allMatch(pr -> pr.equals("1.0/1.0")), result.evaluateRun().toString());
    }
}
