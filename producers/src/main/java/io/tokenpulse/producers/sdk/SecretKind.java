package io.tokenpulse.producers.sdk;

/**
 * The secret formats {@link SecretGuard} recognises. {@link #redacted()} is the only part of a secret an
 * error message may show: a fixed, format-level prefix that identifies the kind and carries no entropy.
 */
public enum SecretKind {
    GITHUB_TOKEN("GitHub token", "gh*_****"),
    GITHUB_FINE_GRAINED_PAT("GitHub fine-grained personal access token", "github_pat_****"),
    GITLAB_TOKEN("GitLab personal access token", "glpat-****"),
    SLACK_TOKEN("Slack token", "xox*-****"),
    STRIPE_SECRET_KEY("Stripe secret key", "sk_live_****"),
    AWS_SECRET_ACCESS_KEY("AWS secret access key", "****(40 chars)"),
    JWT("JSON Web Token", "eyJ****"),
    VAULT_TOKEN("HashiCorp Vault token", "hvs.****"),
    PEM_PRIVATE_KEY("PEM private key", "-----BEGIN ... PRIVATE KEY-----");

    private final String description;
    private final String redacted;

    SecretKind(String description, String redacted) {
        this.description = description;
        this.redacted = redacted;
    }

    public String description() {
        return description;
    }

    /** A fixed placeholder; the GitHub and Slack kinds are refined with their public prefix by the guard. */
    public String redacted() {
        return redacted;
    }
}
