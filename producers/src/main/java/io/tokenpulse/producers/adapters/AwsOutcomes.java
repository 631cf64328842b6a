package io.tokenpulse.producers.adapters;

import io.tokenpulse.avro.UsageOutcome;
import java.util.Locale;

/** The contract's usage outcome for a CloudTrail {@code errorCode}. */
final class AwsOutcomes {
    private AwsOutcomes() {
    }

    /**
     * No error: ALLOWED. Refused for lack of permission (AccessDenied, AccessDeniedException, EC2's
     * Client.UnauthorizedOperation, any code containing AccessDenied): DENIED_SCOPE. Refused because the
     * temporary credentials expired (ExpiredToken, ExpiredTokenException): DENIED_EXPIRED. The service did not
     * recognise the key at all (InvalidClientTokenId, S3's InvalidAccessKeyId, EC2's AuthFailure,
     * UnrecognizedClientException, InvalidToken): DENIED_UNKNOWN, since a deleted key and a made-up one look the
     * same. Everything else, including RequestExpired (the request's signature date was too old, not the key)
     * and SignatureDoesNotMatch (a wrong secret for a known key): DENIED_OTHER.
     */
    static UsageOutcome of(String errorCode) {
        if (errorCode == null || errorCode.isBlank()) {
            return UsageOutcome.ALLOWED;
        }
        String code = errorCode.strip();
        // EC2 prefixes its codes with who is at fault: Client.UnauthorizedOperation.
        if (code.startsWith("Client.") || code.startsWith("Server.")) {
            code = code.substring(code.indexOf('.') + 1);
        }
        return switch (code) {
            case "ExpiredToken", "ExpiredTokenException" -> UsageOutcome.DENIED_EXPIRED;
            case "InvalidClientTokenId", "InvalidAccessKeyId", "AuthFailure", "UnrecognizedClientException", "InvalidToken" ->
                    UsageOutcome.DENIED_UNKNOWN;
            case "UnauthorizedOperation", "UnauthorizedAccess" -> UsageOutcome.DENIED_SCOPE;
            default -> code.toLowerCase(Locale.ROOT).contains("accessdenied") ? UsageOutcome.DENIED_SCOPE : UsageOutcome.DENIED_OTHER;
        };
    }
}
