package io.tokenpulse.producers.sdk;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses values shaped like raw secrets where the contract (docs/CONTRACT.md) requires a public identifier ({@code tokenId},
 * {@code replacesTokenId}): "a raw secret never enters a topic". Stateless and thread-safe.
 *
 * <p>Patterns match anywhere in the value (a secret wrapped as {@code github:ghp_...} is still a secret) but
 * only at a token boundary, so an id such as {@code task-xoxb} or {@code myghp_x} is not mistaken for one.
 *
 * <p>Deliberately allowed: AWS access key ids ({@code AKIA...}/{@code ASIA...}, public by design), hex
 * digests (a SHA-1 is 40 chars like an AWS secret key, but a hash is exactly the public id the contract suggests),
 * UUIDs, Vault accessors and {@code fp_...} fingerprints.
 */
public final class SecretGuard {

    private record Rule(SecretKind kind, Pattern pattern) {
    }

    // (?<![A-Za-z0-9]) instead of \b: '_' is a word character, and "x_ghp_..." should still be caught.
    private static final String START = "(?<![A-Za-z0-9])";

    private static final List<Rule> RULES = List.of(
            new Rule(SecretKind.PEM_PRIVATE_KEY, Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
            new Rule(SecretKind.GITHUB_FINE_GRAINED_PAT, Pattern.compile(START + "github_pat_[A-Za-z0-9_]+")),
            new Rule(SecretKind.GITHUB_TOKEN, Pattern.compile(START + "(gh[pousr]_)[A-Za-z0-9_]+")),
            new Rule(SecretKind.GITLAB_TOKEN, Pattern.compile(START + "glpat-[A-Za-z0-9_-]+")),
            new Rule(SecretKind.SLACK_TOKEN, Pattern.compile(START + "(xox[abprs]-)[A-Za-z0-9-]+")),
            // Vault 1.10+ service, batch and recovery tokens (hvs./hvb./hvr. and a long base62 body); an accessor has
            // no prefix. Before 1.10: s./b./r. and exactly 24 base62 characters.
            new Rule(SecretKind.VAULT_TOKEN, Pattern.compile(START + "(hv[sbr]\\.)[A-Za-z0-9_-]{24,}")),
            new Rule(SecretKind.VAULT_TOKEN, Pattern.compile("(?<![A-Za-z0-9._-])([sbr]\\.)[A-Za-z0-9]{24}(?![A-Za-z0-9])")),
            new Rule(SecretKind.STRIPE_SECRET_KEY, Pattern.compile(START + "[sr]k_live_[A-Za-z0-9]+")),
            // header.payload.signature; the signature may be empty for alg=none tokens.
            new Rule(SecretKind.JWT, Pattern.compile(START + "eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*")));

    // Exactly 40 base64 characters, not part of a longer run. '=' is only padding, never part of a key, so it bounds a
    // run: the key in "aws_secret_access_key=<key>" is found.
    private static final Pattern BASE64_40 = Pattern.compile("(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])");

    private SecretGuard() {
    }

    /**
     * Throws {@link SecretRejectedException} when {@code value} looks like a secret; null passes (an
     * absent optional field carries no secret).
     *
     * @param field the field name, for the message
     */
    public static void requirePublicId(String field, String value) {
        if (value == null) {
            return;
        }
        Optional<Finding> finding = find(value);
        if (finding.isPresent()) {
            throw new SecretRejectedException(field, finding.get().kind(), finding.get().redacted());
        }
    }

    /** Whether {@code value} looks like a secret. */
    public static boolean looksLikeSecret(String value) {
        return value != null && find(value).isPresent();
    }

    /** The kind of secret {@code value} looks like, if any. */
    public static Optional<SecretKind> detect(String value) {
        return value == null ? Optional.empty() : find(value).map(Finding::kind);
    }

    /**
     * {@code text} with every secret-shaped run replaced by its redacted form ({@code ghp_****}, {@code ****(40 chars)}):
     * for free text that is printed or logged (a rejection reason that quotes its input), where refusing is not an option.
     */
    public static String redactAll(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(out);
            if (m.find()) {
                StringBuilder sb = new StringBuilder();
                do {
                    String redacted = m.groupCount() >= 1 ? m.group(1) + "****" : rule.kind().redacted();
                    m.appendReplacement(sb, Matcher.quoteReplacement(redacted));
                } while (m.find());
                m.appendTail(sb);
                out = sb.toString();
            }
        }
        Matcher m = BASE64_40.matcher(out);
        StringBuilder sb = new StringBuilder();
        boolean changed = false;
        while (m.find()) {
            if (isRandomLooking(m.group())) {
                m.appendReplacement(sb, Matcher.quoteReplacement(SecretKind.AWS_SECRET_ACCESS_KEY.redacted()));
                changed = true;
            }
        }
        if (!changed) {
            return out;
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private record Finding(SecretKind kind, String redacted) {
    }

    private static Optional<Finding> find(String value) {
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(value);
            if (m.find()) {
                // Group 1, where present, is the public prefix (ghp_, xoxb-): fine to show, it has no entropy.
                String redacted = m.groupCount() >= 1 ? m.group(1) + "****" : rule.kind().redacted();
                return Optional.of(new Finding(rule.kind(), redacted));
            }
        }
        Matcher m = BASE64_40.matcher(value);
        while (m.find()) {
            if (isRandomLooking(m.group())) {
                return Optional.of(new Finding(SecretKind.AWS_SECRET_ACCESS_KEY, SecretKind.AWS_SECRET_ACCESS_KEY.redacted()));
            }
        }
        return Optional.empty();
    }

    /**
     * A 40-char run is treated as an AWS secret key only if it has the character mix of random base64:
     * a '/' or '+', or upper case, lower case and digits together. Hex digests (SHA-1 ids, git commits)
     * and single-case identifiers fail that test; a real 40-char random base64 string passes it with
     * overwhelming probability.
     */
    private static boolean isRandomLooking(String s) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '+') {
                return true;
            }
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
        }
        return upper && lower && digit;
    }
}
