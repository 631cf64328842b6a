package io.tokenpulse.app.detect;

import java.util.concurrent.Callable;

/**
 * Runs a test's pipeline with other judging slice sizes and catch-up time, and puts the defaults back after: {@link
 * #smallest} (for tests in other packages too) makes every slice end as early as the rules allow.
 */
public final class Slices {
    private Slices() {
    }

    public static <T> T smallest(Callable<T> run) throws Exception {
        return sized(3, 17, 0, run);
    }

    /** Runs {@code run} with these slice sizes and this catch-up time, and puts back the ones before. */
    static <T> T sized(int perRecord, int perPunctuation, long budgetNanos, Callable<T> run) throws Exception {
        int recordBefore = TokenProcessor.judgePerRecord;
        int punctuationBefore = TokenProcessor.judgePerPunctuation;
        long budgetBefore = TokenProcessor.catchUpBudgetNanos;
        TokenProcessor.judgePerRecord = perRecord;
        TokenProcessor.judgePerPunctuation = perPunctuation;
        TokenProcessor.catchUpBudgetNanos = budgetNanos;
        try {
            return run.call();
        } finally {
            TokenProcessor.judgePerRecord = recordBefore;
            TokenProcessor.judgePerPunctuation = punctuationBefore;
            TokenProcessor.catchUpBudgetNanos = budgetBefore;
        }
    }
}
