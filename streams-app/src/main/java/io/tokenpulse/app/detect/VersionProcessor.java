package io.tokenpulse.app.detect;

import io.tokenpulse.app.config.Detection;
import io.tokenpulse.app.time.Progress;
import io.tokenpulse.app.time.Promises;
import io.tokenpulse.app.time.TimeSources;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.TokenLink;
import io.tokenpulse.avro.state.VersionInput;
import io.tokenpulse.avro.state.VersionInputKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Versioned access, keyed by tenant/service@version: which tokens were ever bound to each version, and its deployment
 * events. Every token bound to a version hears of every deployment event of it, each at the later of the event and the
 * binding, with the event's own time beside it; the token keeps the latest by that time. So what reaches a token is a
 * function of the set of bindings and deployments, whatever order they came in, and nothing here waits.
 *
 * <p>Time: the processor promises the token tasks "every version link earlier than w has been sent" once every token
 * task (bindings) and every deployment task has promised w.
 *
 * <p>Store layout (string keys, so a prefix scan lists a version's part): {@code S|<version>|<time>|<eventId>} holds
 * {@code RETIRED} or {@code DEPLOYED}; {@code B|<version>|<tokenId>} holds the earliest bind time.
 */
public final class VersionProcessor implements Processor<String, VersionInput, String, TokenLink> {
    private static final StringSerializer KEYS = new StringSerializer();
    private final Detection settings;
    private final TimeSources sources;
    private ProcessorContext<String, TokenLink> context;
    private KeyValueStore<String, String> store;
    private Progress progress;
    private Promises promises;
    private String self;

    public VersionProcessor(Detection settings, TimeSources sources) {
        this.settings = settings;
        this.sources = sources;
    }

    @Override
    public void init(ProcessorContext<String, TokenLink> context) {
        this.context = context;
        this.self = TimeSources.VERSION + context.taskId().partition();
        this.store = context.getStateStore(DetectionTopology.VERSION_STORE);
        this.progress = new Progress(List.of(), sources.ofVersions(), settings,
                context.getStateStore(DetectionTopology.VERSION_PROGRESS_STORE), context.currentSystemTimeMs());
        this.promises = new Promises(settings);
        context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, wall -> promise(wall, true));
    }

    @Override
    public void process(Record<String, VersionInput> record) {
        VersionInput in = record.value();
        long wall = context.currentSystemTimeMs();
        if (in != null) {
            switch (in.getKind()) {
                case WATERMARK -> {
                    if (progress.expects(in.getSource())) {
                        progress.onPromise(in.getSource(), in.getAt(), in.getIdle(), wall);
                    }
                }
                case BIND -> onBinding(in);
                case UNBIND -> onUnbinding(in);
                case DEPLOYED, RETIRED -> onDeployment(in);
            }
        }
        promise(wall, false);
    }

    private void onDeployment(VersionInput d) {
        String version = d.getVersionKey();
        String key = "S|" + version + "|" + sortable(d.getAt()) + "|" + d.getEventId();
        if (store.get(key) != null) {
            return; // the same deployment event again
        }
        store.put(key, d.getKind().name());
        String prefix = "B|" + version + "|";
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                tell(kv.key.substring(prefix.length()), version, d.getKind(), d.getTenant(), d.getAt(),
                        Bound.parse(kv.value).since(), d.getEventId());
            }
        }
    }

    private void onBinding(VersionInput b) {
        String version = b.getVersionKey();
        String key = "B|" + version + "|" + b.getTokenId();
        Bound before = Bound.parse(store.get(key));
        Bound after = before == null ? new Bound(b.getAt(), b.getUntil()) : before.bind(b.getAt(), b.getUntil());
        if (after.equals(before)) {
            return;
        }
        store.put(key, after.toString());
        if (before != null && before.since() <= b.getAt()) {
            return; // the token heard of every deployment event when it was first bound
        }
        for (String[] event : deployments(version)) {
            tell(b.getTokenId(), version, VersionInputKind.valueOf(event[2]), b.getTenant(), Long.parseLong(event[0]),
                    b.getAt(), event[1]);
        }
    }

    /** A token revoked or expired: it stays bound (it hears of later events and judges them itself), until then. */
    private void onUnbinding(VersionInput u) {
        String key = "B|" + u.getVersionKey() + "|" + u.getTokenId();
        Bound before = Bound.parse(store.get(key));
        if (before != null) {
            Bound after = before.end(u.getAt());
            if (!after.equals(before)) {
                store.put(key, after.toString());
            }
        }
    }

    /**
     * A binding in the store: the earliest bind time and when the token stops holding the version (its expiry as
     * stated, or its end), if known. The query API shows a version's tokens whose until is still ahead.
     */
    public record Bound(long since, Long until) {
        Bound bind(long at, Long expires) {
            return new Bound(Math.min(since, at), until == null ? expires : expires == null ? until : Math.min(until, expires));
        }

        Bound end(long at) {
            return new Bound(since, until == null ? at : Math.min(until, at));
        }

        public static Bound parse(String s) {
            if (s == null) {
                return null;
            }
            int bar = s.indexOf('|');
            return bar < 0 ? new Bound(Long.parseLong(s), null)
                    : new Bound(Long.parseLong(s.substring(0, bar)), Long.valueOf(s.substring(bar + 1)));
        }

        @Override
        public String toString() {
            return until == null ? Long.toString(since) : since + "|" + until;
        }
    }

    /** {time, eventId, kind} of every deployment event of {@code version}, oldest first. */
    private List<String[]> deployments(String version) {
        String prefix = "S|" + version + "|";
        List<String[]> events = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                String rest = kv.key.substring(prefix.length());
                int bar = rest.indexOf('|');
                events.add(new String[] {Long.toString(unsortable(rest.substring(0, bar))), rest.substring(bar + 1), kv.value});
            }
        }
        return events;
    }

    private void tell(String tokenId, String version, VersionInputKind kind, String tenant, long happened, long boundAt,
                      String eventId) {
        long at = Math.max(happened, boundAt);
        TokenLink link = TokenLink.newBuilder()
                .setKind(kind == VersionInputKind.RETIRED ? LinkKind.VERSION_RETIRED : LinkKind.VERSION_DEPLOYED)
                .setTenant(tenant).setAt(at).setOrigAt(happened).setEventId(eventId).setVersionKey(version).build();
        context.forward(new Record<>(tokenId, link, Math.max(0, at)));
    }

    private void promise(long wall, boolean heartbeat) {
        long w = progress.watermark(wall);
        boolean idle = progress.idle(wall);
        if (promises.due(w, idle, wall, heartbeat)) {
            TokenLink p = TokenLink.newBuilder().setKind(LinkKind.WATERMARK).setTenant("").setAt(w).setEventId("")
                    .setSource(self).setIdle(idle).build();
            context.forward(new Record<>(self, p, Math.max(0, w)));
        }
    }

    /** Fixed-width hex of the sign-flipped time: string order is time order. */
    private static String sortable(long at) {
        return String.format("%016x", at ^ Long.MIN_VALUE);
    }

    private static long unsortable(String hex) {
        return Long.parseUnsignedLong(hex, 16) ^ Long.MIN_VALUE;
    }
}
