package io.tokenpulse.app.detect;

import io.tokenpulse.app.config.Detection;
import io.tokenpulse.app.time.InputEnds;
import io.tokenpulse.app.time.Progress;
import io.tokenpulse.app.time.Promises;
import io.tokenpulse.app.time.TimeSources;
import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.state.VersionInput;
import io.tokenpulse.avro.state.VersionInputKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Relays deployment events to the version processor, keyed by tenant/service@version, with the promises of its
 * partition of the deployments topic: the version processor may tell a token "your version was retired at t" only
 * once no retirement earlier than t can still come.
 */
public final class DeploymentClock implements Processor<String, ServiceDeploymentEvent, String, VersionInput> {
    static final String SOURCE = "deployments";
    private final Detection settings;
    private final InputEnds ends;
    private final String topic;
    private ProcessorContext<String, VersionInput> context;
    private Progress progress;
    private Promises promises;
    private String self;

    public DeploymentClock(Detection settings, InputEnds ends, String topic) {
        this.settings = settings;
        this.ends = ends;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<String, VersionInput> context) {
        this.context = context;
        this.self = TimeSources.DEPLOY + context.taskId().partition();
        this.progress = new Progress(List.of(SOURCE), Set.of(), settings,
                context.getStateStore(DetectionTopology.DEPLOY_PROGRESS_STORE),
                Progress.Ends.of(ends, Map.of(SOURCE, new TopicPartition(topic, context.taskId().partition()))),
                context.currentSystemTimeMs());
        this.promises = new Promises(settings);
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, wall -> promise(wall, true));
    }

    @Override
    public void process(Record<String, ServiceDeploymentEvent> record) {
        ServiceDeploymentEvent d = record.value();
        long wall = context.currentSystemTimeMs();
        if (d != null) {
            long at = d.getOccurredAt().toEpochMilli();
            progress.onRecord(SOURCE, at, wall);
            String version = TokenJudge.versionKey(d.getTenant(), d.getService(), d.getVersion());
            VersionInput v = VersionInput.newBuilder()
                    .setKind(d.getType() == DeploymentType.RETIRED ? VersionInputKind.RETIRED : VersionInputKind.DEPLOYED)
                    .setVersionKey(version).setTenant(d.getTenant()).setAt(at).setEventId(d.getEventId()).build();
            context.forward(new Record<>(version, v, Math.max(0, at)));
        }
        promise(wall, false);
    }

    private void promise(long wall, boolean heartbeat) {
        long w = progress.own(wall);
        boolean idle = progress.ownIdle(wall);
        if (promises.due(w, idle, wall, heartbeat)) {
            context.forward(new Record<>(self, VersionInput.newBuilder().setKind(VersionInputKind.WATERMARK).setAt(w)
                    .setSource(self).setIdle(idle).build(), Math.max(0, w)));
        }
    }
}
