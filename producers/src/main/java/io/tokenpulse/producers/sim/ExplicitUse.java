package io.tokenpulse.producers.sim;

import io.tokenpulse.avro.UsageOutcome;

/** One scripted use (an attacker's request, a probe, a final call): the outcome is given, not derived. */
record ExplicitUse(long at, String scope, UsageOutcome outcome, String principal, String version, String sourceIp,
                   String userAgent, int count) {
}
