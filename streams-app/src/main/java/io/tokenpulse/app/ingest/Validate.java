package io.tokenpulse.app.ingest;

import java.util.Objects;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Forwards valid records unchanged; rejects invalid ones by throwing {@link InvalidRecordException}, which the
 * processing-exception handler turns into a dead letter made of the record's original bytes.
 */
final class Validate<V> implements FixedKeyProcessor<String, V, V> {
    private final Validation.Rule<V> rule;
    private FixedKeyProcessorContext<String, V> context;

    Validate(Validation.Rule<V> rule) {
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        rule.problem(record.key(), record.value()).ifPresent(reason -> {
            throw new InvalidRecordException(reason);
        });
        context.forward(record);
    }
}
