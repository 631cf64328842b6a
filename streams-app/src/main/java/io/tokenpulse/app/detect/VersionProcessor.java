package io.tokenpulse.app.detect;

import io.tokenpulse.avro.DeploymentType;
import io.tokenpulse.avro.ServiceDeploymentEvent;
import io.tokenpulse.avro.state.LinkKind;
import io.tokenpulse.avro.state.TokenBinding;
import io.tokenpulse.avro.state.TokenLink;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Versioned access, keyed by tenant/service@version: which active tokens are bound to each version, and
 * whether it is retired. Retiring a version tells each bound token (a VERSION_RETIRED link); a token
 * binding to an already retired version is told at once; deploying it again clears the condition.
 *
 * <p>Store layout (string keys, so a prefix scan lists a version's tokens): {@code S|<version>} holds
 * {@code RETIRED|<ms>} or {@code DEPLOYED|<ms>}; {@code B|<version>|<tokenId>} holds the bind time.
 */
public final class VersionProcessor implements Processor<String, VersionProcessor.Input, String, TokenLink> {
    private static final StringSerializer KEYS = new StringSerializer();

    /** A deployment event or a token's binding change, both keyed by tenant/service@version. */
    public sealed interface Input {
        record Deployment(ServiceDeploymentEvent event) implements Input {
        }

        record Binding(TokenBinding binding) implements Input {
        }
    }

    private ProcessorContext<String, TokenLink> context;
    private KeyValueStore<String, String> store;

    @Override
    public void init(ProcessorContext<String, TokenLink> context) {
        this.context = context;
        this.store = context.getStateStore(DetectionTopology.VERSION_STORE);
    }

    @Override
    public void process(Record<String, Input> record) {
        String version = record.key();
        if (version == null) {
            return;
        }
        if (record.value() instanceof Input.Deployment d) {
            onDeployment(version, d.event());
        } else if (record.value() instanceof Input.Binding b) {
            onBinding(version, b.binding());
        }
    }

    private void onDeployment(String version, ServiceDeploymentEvent e) {
        long at = e.getOccurredAt().toEpochMilli();
        String status = store.get(statusKey(version));
        if (status != null && statusTime(status) > at) {
            return; // an older deployment event arriving late does not undo a newer one
        }
        boolean retired = e.getType() == DeploymentType.RETIRED;
        store.put(statusKey(version), (retired ? "RETIRED|" : "DEPLOYED|") + at);
        boolean wasRetired = status != null && status.startsWith("RETIRED|");
        if (retired == wasRetired) {
            return;
        }
        for (String tokenId : boundTokens(version)) {
            tell(tokenId, version, retired ? LinkKind.VERSION_RETIRED : LinkKind.VERSION_DEPLOYED, e.getTenant(), at,
                    e.getEventId());
        }
    }

    private void onBinding(String version, TokenBinding b) {
        String key = "B|" + version + "|" + b.getTokenId();
        if (!b.getActive()) {
            store.delete(key);
            return;
        }
        store.put(key, Long.toString(b.getAt()));
        String status = store.get(statusKey(version));
        if (status != null && status.startsWith("RETIRED|")) {
            long retiredAt = statusTime(status);
            String tenant = version.substring(0, version.indexOf('/'));
            tell(b.getTokenId(), version, LinkKind.VERSION_RETIRED, tenant, Math.max(retiredAt, b.getAt()),
                    "retired@" + retiredAt);
        }
    }

    private List<String> boundTokens(String version) {
        String prefix = "B|" + version + "|";
        List<String> tokens = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.prefixScan(prefix, KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                tokens.add(kv.key.substring(prefix.length()));
            }
        }
        return tokens;
    }

    private void tell(String tokenId, String version, LinkKind kind, String tenant, long at, String eventId) {
        TokenLink link = TokenLink.newBuilder().setKind(kind).setTenant(tenant).setAt(at).setEventId(eventId)
                .setVersionKey(version).build();
        context.forward(new Record<>(tokenId, link, at));
    }

    private static String statusKey(String version) {
        return "S|" + version;
    }

    private static long statusTime(String status) {
        return Long.parseLong(status.substring(status.indexOf('|') + 1));
    }
}
