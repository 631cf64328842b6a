package io.tokenpulse.app.config;

import java.time.Duration;

/**
 * The time machinery of detection and reports (docs/TIME.md, docs/DETECTION.md, docs/METRICS.md): the one record
 * that the detection topology, its processors, event time and the reports take. Each value is checked against its
 * setting's definition in {@link AppConfigDef}, so a record built in code accepts what the settings accept.
 *
 * @param lateness          how far a record may trail the event time already seen on its partition and still be
 *                          judged exactly as if it had come in order ({@code lateness})
 * @param idleTimeout       wall-clock silence after which a source is idle: it no longer holds event time back, and
 *                          when every source is idle event time follows the wall clock ({@code idle.timeout})
 * @param dedupWindow       event time over which a redelivered eventId changes nothing ({@code dedup.window})
 * @param tick              how often a task looks at the wall clock: idleness, pending promises ({@code detect.tick})
 * @param promiseInterval   the least wall-clock time between two time promises a task sends the others while busy
 *                          (sent at the next record or tick after that); zero sends one at every advance
 *                          ({@code promise.interval})
 * @param versionPartitions partitions of the repartition topics keyed by service version
 *                          ({@code detect.version.partitions})
 * @param reportGrace       how long a posture report waits after its window ends for out-of-order input
 *                          ({@code reports.grace})
 */
public record Detection(Duration lateness, Duration idleTimeout, Duration dedupWindow, Duration tick,
                        Duration promiseInterval, int versionPartitions, Duration reportGrace) {

    public Detection {
        AppConfigDef.LATENESS.ensureValid(lateness);
        AppConfigDef.IDLE_TIMEOUT.ensureValid(idleTimeout);
        AppConfigDef.DEDUP_WINDOW.ensureValid(dedupWindow);
        AppConfigDef.DETECT_TICK.ensureValid(tick);
        AppConfigDef.PROMISE_INTERVAL.ensureValid(promiseInterval);
        AppConfigDef.DETECT_VERSION_PARTITIONS.ensureValid(versionPartitions);
        AppConfigDef.REPORTS_GRACE.ensureValid(reportGrace);
    }
}
