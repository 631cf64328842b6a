package io.tokenpulse.registry;

/** A schema registry call that failed; the message names the subject or id and the registry it asked. */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public RegistryException(String message) {
        this(message, -1, null);
    }

    /** The HTTP status the registry answered with, or -1 when it did not answer. */
    public int status() {
        return status;
    }

    /** True when the registry said the subject, version or id does not exist. */
    public boolean notFound() {
        return status == 404;
    }
}
