package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.app.Pipeline;
import io.tokenpulse.app.config.AppConfig;
import io.tokenpulse.avro.LifecycleType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record that arrives at or behind the watermark's cut is judged in its place without the round trip through the
 * reorder buffer (issue 11); one ahead of the cut is held as before. That both give the same outputs is what
 * OutputBytesGoldenTest holds, byte for byte.
 */
class ArrivalAtTheCutTest {
    private static final Instant AT = Pipeline.NOW.minusSeconds(3600);

    @TempDir
    Path dir;

    @Test
    void aRecordAtTheCutIsJudgedWithoutBeingHeld() {
        try (Pipeline p = new Pipeline(dir)) { // no lateness: every record in order is at the cut
            p.send(p.topics.lifecycle(), "t1", Pipeline.lifecycle("e1", "t1", LifecycleType.ISSUED, AT).build());
            p.send(p.topics.usage(), "t1", Pipeline.usage("u1", "t1", AT.plusSeconds(1)).build());
            assertEquals(AT.plusSeconds(1).toEpochMilli(), p.tokenState("t1").orElseThrow().getActivity().getLastUseAt(), "judged");
            assertEquals(List.of(), held(p), "never held");
        }
    }

    @Test
    void aRecordAheadOfTheCutIsHeld() {
        try (Pipeline p = new Pipeline(dir, Map.of(AppConfig.LATENESS, "PT1H", AppConfig.DETECT_IDLE_AFTER, "PT30S"))) {
            p.send(p.topics.usage(), "t1", Pipeline.usage("u1", "t1", AT).build());
            assertFalse(p.tokenState("t1").isPresent(), "not judged yet");
            List<TestRecord<byte[], byte[]>> held = held(p);
            assertEquals(1, held.size());
            assertNotNull(held.get(0).value());
            assertTrue(p.topology.late().lateCount() == 0);
        }
    }

    private static List<TestRecord<byte[], byte[]>> held(Pipeline p) {
        return p.driver.producedTopicNames().stream().filter(n -> n.endsWith(DetectionTopology.HELD_STORE + "-changelog"))
                .findFirst().map(n -> p.driver.createOutputTopic(n, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList()).orElse(List.of());
    }
}
