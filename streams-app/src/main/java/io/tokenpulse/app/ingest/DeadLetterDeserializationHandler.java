package io.tokenpulse.app.ingest;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Records whose key or value cannot be deserialized (corrupt bytes, an unknown schema id, an enum symbol this
 * reader does not know) become dead letters and processing resumes: one bad record never stops the app.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String reason = "Record could not be deserialized: " + DeadLetters.describe(exception);
        return Response.resume(List.of(deadLetters.letter(DeadLetters.Stage.DESERIALIZATION, context, reason, exception)));
    }
}
