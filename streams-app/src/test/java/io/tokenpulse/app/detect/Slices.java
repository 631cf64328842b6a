package io.tokenpulse.app.detect;

import java.util.concurrent.Callable;

/**
 * For tests outside this package: runs something with the token tasks' judging slices as small as they go (a few
 * records and deadlines each, and no catch-up time), so that every slice ends as early as the rules allow.
 */
public final class Slices {
    private Slices() {
    }

    public static <T> T smallest(Callable<T> run) throws Exception {
        int perRecord = TokenProcessor.judgePerRecord;
        int perPunctuation = TokenProcessor.judgePerPunctuation;
        long budget = TokenProcessor.catchUpBudgetNanos;
        TokenProcessor.judgePerRecord = 3;
        TokenProcessor.judgePerPunctuation = 17;
        TokenProcessor.catchUpBudgetNanos = 0;
        try {
            return run.call();
        } finally {
            TokenProcessor.judgePerRecord = perRecord;
            TokenProcessor.judgePerPunctuation = perPunctuation;
            TokenProcessor.catchUpBudgetNanos = budget;
        }
    }
}
