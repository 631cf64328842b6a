package io.tokenpulse.app.detect;

import io.tokenpulse.app.config.Detection;
import io.tokenpulse.app.time.InputEnds;
import io.tokenpulse.app.time.Progress;
import io.tokenpulse.app.time.Promises;
import io.tokenpulse.app.time.TimeSources;
import io.tokenpulse.avro.TokenPolicy;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.TokenLink;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Relays the tenants' policies to every token task (on the links topic), with the promises of its partition of the
 * policies topic. A policy's time is its effectiveFrom, or the beginning of time without one: while a policy task
 * still has one to relay it holds every token task back to that time, so a policy published before the data it
 * governs is heard before that data is judged, however the threads race; once its partition is quiet for
 * {@code idleTimeout} it no longer holds anybody back.
 */
public final class PolicyClock implements Processor<String, TokenPolicy, String, TokenLink> {
    static final String SOURCE = "policies";
    private final Detection settings;
    private final InputEnds ends;
    private final String topic;
    private ProcessorContext<String, TokenLink> context;
    private Progress progress;
    private Promises promises;
    private String self;

    public PolicyClock(Detection settings, InputEnds ends, String topic) {
        this.settings = settings;
        this.ends = ends;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, TokenLink> context) {
        this.context = context;
        this.self = TimeSources.POLICY + context.taskId().partition();
        this.progress = new Progress(List.of(SOURCE), Set.of(), settings,
                context.getStateStore(DetectionTopology.POLICY_PROGRESS_STORE),
                Progress.Ends.of(ends, Map.of(SOURCE, new TopicPartition(topic, context.taskId().partition()))),
                context.currentSystemTimeMs());
        this.promises = new Promises(settings);
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, wall -> promise(wall, true));
    }

    @Override
    public void process(Record<String, TokenPolicy> record) {
        long wall = context.currentSystemTimeMs();
        TokenPolicy p = record.value();
        String tenant = p != null ? p.getTenant() : record.key();
        if (tenant != null) {
            long from = p == null || p.getEffectiveFrom() == null ? Long.MIN_VALUE : p.getEffectiveFrom().toEpochMilli();
            progress.onRecord(SOURCE, from, wall);
            // A tombstone (no policy) returns the tenant to the defaults.
            TokenLink link = TokenLink.newBuilder().setKind(LinkKind.POLICY).setTenant(tenant).setAt(from).setEventId("")
                    .setPolicy(p == null ? null : ByteBuffer.wrap(AvroBinary.encode(p, 0))).build();
            context.forward(new Record<>(tenant, link, Math.max(0, record.timestamp())));
        }
        promise(wall, false);
    }

    private void promise(long wall, boolean heartbeat) {
        boolean idle = progress.ownIdle(wall);
        long w = progress.own(wall); // a cap only (see TimeSources.capsOnly)
        if (promises.due(w, idle, wall, heartbeat)) {
            TokenLink link = TokenLink.newBuilder().setKind(LinkKind.WATERMARK).setTenant("").setAt(w).setEventId("")
                    .setSource(self).setIdle(idle).build();
            context.forward(new Record<>(self, link, Math.max(0, w)));
        }
    }
}
