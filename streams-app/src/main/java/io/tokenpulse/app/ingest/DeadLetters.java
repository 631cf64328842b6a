package io.tokenpulse.app.ingest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a record becomes a dead letter, whichever stage rejected it: key and value are the bytes the
 * record had on its source topic, untouched, so it can be fixed and replayed; the source record's headers are
 * kept and the error travels in {@code tokenpulse.dlq.*} headers (UTF-8 strings). Every dead letter is counted
 * and logged at WARN with its coordinates and reason, never its payload.
 *
 * <p>Both stages go through Kafka Streams' KIP-1034 handlers, which hand over the raw source bytes: records
 * that fail to deserialize reach {@link DeadLetterDeserializationHandler}; records that deserialize but break
 * the contract are rejected by the validation step with an {@link InvalidRecordException} and reach
 * {@link DeadLetterProcessingHandler}. Re-serializing the decoded value instead would not give the original
 * bytes back when the producer wrote with another schema version (another id, fields we do not know).
 */
public final class DeadLetters {
    public static final String HEADER_PREFIX = "tokenpulse.dlq.";
    /** A human sentence: what was wrong with the record. */
    public static final String REASON = HEADER_PREFIX + "reason";
    /** Class name of the exception that rejected the record. */
    public static final String EXCEPTION = HEADER_PREFIX + "exception";
    /** {@link Stage} name: {@code DESERIALIZATION}, {@code VALIDATION} or {@code PROCESSING}. */
    public static final String STAGE = HEADER_PREFIX + "stage";
    /** Source topic, partition and offset of the original record. */
    public static final String TOPIC = HEADER_PREFIX + "topic";
    public static final String PARTITION = HEADER_PREFIX + "partition";
    public static final String OFFSET = HEADER_PREFIX + "offset";

    /** Streams config key under which the app passes its {@link DeadLetterCounter} instance to the handlers. */
    public static final String COUNTER_CONFIG = "tokenpulse.dead.letter.counter";

    /** Headers stay small: a reason longer than this is cut. */
    private static final int MAX_REASON_CHARS = 1000;

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** Where in the pipeline a record was rejected. */
    public enum Stage {
        DESERIALIZATION, VALIDATION, PROCESSING;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String topic;
    private final DeadLetterCounter counter;

    public DeadLetters(String topic, DeadLetterCounter counter) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.counter = Objects.requireNonNull(counter, "counter");
    }

    /**
     * The streams settings that route every bad record to {@code dlqTopic} and count it in {@code counter}:
     * both handlers, Kafka's own DLQ topic key (which the handlers read) and the counter instance.
     */
    public static Map<String, Object> streamsConfig(String dlqTopic, DeadLetterCounter counter) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        c.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        c.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic);
        c.put(COUNTER_CONFIG, counter);
        return c;
    }

    /** Built from the settings {@link #streamsConfig} put in, as the handlers see them in {@code configure}. */
    static DeadLetters fromConfig(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must name the "
                    + "dead-letter topic: TokenPulse never drops a bad record silently");
        }
        Object counter = configs.get(COUNTER_CONFIG);
        if (counter != null && !(counter instanceof DeadLetterCounter)) {
            throw new ConfigException(COUNTER_CONFIG + " must be a " + DeadLetterCounter.class.getName()
                    + " instance, not " + counter.getClass().getName());
        }
        // Without an app-provided counter (a hand-made config) the letters are still written, only counted privately.
        return new DeadLetters(topic.toString(), counter == null ? new DeadLetterCounter() : (DeadLetterCounter) counter);
    }

    /** Counts and logs the rejection and builds the dead letter for the record the context describes. */
    ProducerRecord<byte[], byte[]> letter(Stage stage, ErrorHandlerContext context, String reason, Throwable error) {
        String shortReason = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "..." : reason;
        counter.increment(stage, context.topic());
        log.warn("Dead letter ({}) from {}-{}@{} -> {}: {} [{}]", stage.label(), context.topic(), context.partition(),
                context.offset(), topic, shortReason, error.getClass().getName());

        Headers headers = new RecordHeaders();
        if (context.headers() != null) {
            for (Header h : context.headers()) {
                // A replayed dead letter that fails again carries only the latest error.
                if (!h.key().startsWith(HEADER_PREFIX)) {
                    headers.add(h);
                }
            }
        }
        headers.add(REASON, utf8(shortReason));
        headers.add(EXCEPTION, utf8(error.getClass().getName()));
        headers.add(STAGE, utf8(stage.name()));
        headers.add(TOPIC, utf8(context.topic()));
        headers.add(PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(OFFSET, utf8(Long.toString(context.offset())));
        return new ProducerRecord<>(topic, null, null, context.sourceRawKey(), context.sourceRawValue(), headers);
    }

    /** A sentence from an exception: its message, or its type when it has none. */
    static String describe(Throwable error) {
        String m = error.getMessage();
        return m == null || m.isBlank() ? error.getClass().getSimpleName() : m;
    }

    private static byte[] utf8(String s) {
        return String.valueOf(s).getBytes(StandardCharsets.UTF_8);
    }
}
