package io.tokenpulse.app.detect;

import io.tokenpulse.avro.AlertType;
import java.util.List;
import java.util.Map;

/** A condition a detector found, before it becomes an alert. */
public record Finding(
        AlertType type,
        String tenant,
        String tokenId,
        String owner,
        String principal,
        long eventTime,
        String discriminator,
        String summary,
        Map<String, String> evidence,
        List<String> suggestedScopes) {
}
