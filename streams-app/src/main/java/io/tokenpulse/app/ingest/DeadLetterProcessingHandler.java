package io.tokenpulse.app.ingest;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records rejected by validation ({@link InvalidRecordException}) become dead letters with the validator's
 * reason. Any other exception a processor throws is a bug met by one record: that record becomes a dead letter
 * too (stage PROCESSING, logged at ERROR with the stack trace) and the app goes on with the next one, since the
 * contract wants the good records around a bad one to go through.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetters.fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof InvalidRecordException invalid) {
            return Response.resume(List.of(deadLetters.letter(DeadLetters.Stage.VALIDATION, context, invalid.reason(), invalid)));
        }
        log.error("Processor {} failed on {}-{}@{}; the record goes to the dead-letter topic", context.processorNodeId(),
                context.topic(), context.partition(), context.offset(), exception);
        String reason = "Processing failed in " + context.processorNodeId() + ": " + DeadLetters.describe(exception);
        return Response.resume(List.of(deadLetters.letter(DeadLetters.Stage.PROCESSING, context, reason, exception)));
    }
}
