package io.tokenpulse.app.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The handlers' decisions for cases a topology test cannot provoke on purpose. */
class DeadLetterHandlersTest {
    private static final byte[] KEY = {0, 0, 0, 0, 1, 2, 't'};
    private static final byte[] VALUE = {0, 0, 0, 0, 1, 42};

    @Test
    void aBugInAProcessorDeadLettersTheRecordAndResumes() {
        // Given a handler configured as the app configures it
        DeadLetterCounter counter = new DeadLetterCounter();
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(DeadLetters.streamsConfig("token-dlq", counter));

        // When a processor throws something other than a validation failure
        ProcessingExceptionHandler.Response response = handler.handleError(context(), new Record<>("t", "v", 0L),
                new IllegalStateException("boom"));

        // Then the record goes to the DLQ, marked as a processing failure, and processing goes on
        assertEquals(ProcessingExceptionHandler.Result.RESUME, response.result());
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertEquals("token-dlq", letter.topic());
        assertArrayEquals(KEY, letter.key());
        assertArrayEquals(VALUE, letter.value());
        assertEquals("PROCESSING", header(letter.headers(), DeadLetters.STAGE));
        assertEquals("Processing failed in token-state-apply: boom", header(letter.headers(), DeadLetters.REASON));
        assertEquals(IllegalStateException.class.getName(), header(letter.headers(), DeadLetters.EXCEPTION));
        assertEquals("3", header(letter.headers(), DeadLetters.PARTITION));
        assertEquals("42", header(letter.headers(), DeadLetters.OFFSET));
        assertEquals(1, counter.count(DeadLetters.Stage.PROCESSING));
    }

    @Test
    void theHandlersRefuseToRunWithoutADeadLetterTopic() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new DeadLetterDeserializationHandler().configure(Map.of()));
        assertTrue(e.getMessage().contains(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG));
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() { return "token-lifecycle"; }
            public int partition() { return 3; }
            public long offset() { return 42L; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "token-state-apply"; }
            public TaskId taskId() { return new TaskId(0, 3); }
            public long timestamp() { return 0L; }
            public byte[] sourceRawKey() { return KEY; }
            public byte[] sourceRawValue() { return VALUE; }
        };
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
