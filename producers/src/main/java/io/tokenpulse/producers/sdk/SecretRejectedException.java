package io.tokenpulse.producers.sdk;

/**
 * A field that must hold a public identifier holds something shaped like a secret. The message names the
 * field and the kind of secret and shows only a redacted, format-level prefix: it is safe to log.
 */
public final class SecretRejectedException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final SecretKind kind;

    public SecretRejectedException(String field, SecretKind kind, String redactedPrefix) {
        super(field + " looks like a " + kind.description() + " (" + redactedPrefix + "); a raw secret must never"
                + " be sent: use its public id (key id, accessor, token id) or Fingerprints.hmacSha256 of it");
        this.field = field;
        this.kind = kind;
    }

    public String field() {
        return field;
    }

    public SecretKind kind() {
        return kind;
    }
}
