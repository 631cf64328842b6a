package io.tokenpulse.producers.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tokenpulse.producers.adapters.CloudTrailAdapter;
import io.tokenpulse.producers.adapters.GitHubAuditAdapter;
import io.tokenpulse.producers.adapters.InputAdapter;
import io.tokenpulse.producers.adapters.InputDecoding;
import io.tokenpulse.producers.adapters.InputLimits;
import io.tokenpulse.producers.adapters.InventoryAdapter;
import io.tokenpulse.producers.adapters.JsonLinesAdapter;
import io.tokenpulse.producers.adapters.KubernetesAuditAdapter;
import io.tokenpulse.producers.adapters.LineResult;
import io.tokenpulse.producers.adapters.Sanitizer;
import io.tokenpulse.producers.adapters.VaultAuditAdapter;
import io.tokenpulse.producers.sdk.SecretGuard;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every adapter, fed arbitrary bytes (gzip or not): the stream ends without an exception, every result is an event or a
 * rejection, and no rejection reason holds a control character or a secret-shaped run. Findings are kept as regression
 * inputs under {@code src/test/resources/io/tokenpulse/producers/fuzz/AdapterFuzzTestInputs/}, replayed in every run.
 */
class AdapterFuzzTest {
    // Small caps, so that the fuzzer reaches them with small inputs.
    private static final InputLimits LIMITS = new InputLimits(2048, 1 << 20, 50, 32);
    private static final List<Supplier<InputAdapter>> ADAPTERS = List.of(
            () -> new CloudTrailAdapter(null, LIMITS),
            () -> new VaultAuditAdapter(null, LIMITS),
            () -> new GitHubAuditAdapter(null, LIMITS),
            () -> new KubernetesAuditAdapter(null, LIMITS),
            () -> new JsonLinesAdapter(LIMITS),
            () -> new InventoryAdapter(InventoryAdapter.Kind.AWS_IAM_KEYS, null, LIMITS),
            () -> new InventoryAdapter(InventoryAdapter.Kind.GITHUB_TOKENS, "t", LIMITS));

    @FuzzTest(maxDuration = "10s")
    void adaptersNeverThrowAndNeverEchoUnsafeText(FuzzedDataProvider data) throws IOException {
        InputAdapter adapter = ADAPTERS.get(data.consumeInt(0, ADAPTERS.size() - 1)).get();
        byte[] input = data.consumeRemainingAsBytes();
        long results = 0;
        try (Reader reader = InputDecoding.reader(new ByteArrayInputStream(input), LIMITS); var s = adapter.parse(reader)) {
            Iterator<LineResult> it = s.iterator();
            while (it.hasNext()) {
                LineResult r = it.next();
                results++;
                if (r instanceof LineResult.Rejected rej) {
                    assertTrue(rej.reason().chars().noneMatch(c -> c < 0x20 || c == 0x7f), rej::reason);
                    assertFalse(SecretGuard.looksLikeSecret(rej.reason()), rej::reason);
                    assertTrue(rej.reason().length() <= Sanitizer.MAX_REASON + 10, rej::reason);
                }
            }
        }
        // Each result consumed at least one character of input (an envelope or array alone gives none).
        assertTrue(results <= input.length + 1, "more results than input bytes: " + results);
        adapter.report().ignored().keySet().forEach(k -> assertTrue(k.chars().noneMatch(c -> c < 0x20), k));
    }
}
