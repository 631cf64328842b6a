package io.tokenpulse.producers.adapters;

import io.tokenpulse.producers.sdk.SecretGuard;

/**
 * The one gate every text taken from input passes before it is printed, logged or counted: rejection reasons (the
 * {@link LineResult.Rejected} constructor calls it, so no rejection path can skip it), reason codes, the keys of
 * {@link ParseReport} counters and send failures. Three things happen, in this order:
 * <ol>
 *   <li>secret-shaped runs are redacted ({@link SecretGuard#redactAll}): a malformed line may be a pasted token, and
 *   a parser's message quotes it;</li>
 *   <li>control characters are escaped ({@code \u001b} becomes the six characters {@code \u001b}), so input cannot
 *   move the cursor, recolour or retitle the terminal, or forge a second output line; bidirectional overrides too;</li>
 *   <li>the text is cut to a fixed length, so a hostile record cannot make its rejection huge.</li>
 * </ol>
 */
public final class Sanitizer {
    /** The longest reason kept; longer ones are cut and say how much was left out. */
    public static final int MAX_REASON = 400;
    /** The longest reason code or counter key kept. */
    public static final int MAX_KEY = 120;

    private Sanitizer() {
    }

    /** A rejection reason or any other message that quotes input, safe to print. */
    public static String reason(String text) {
        return clean(text, MAX_REASON);
    }

    /** A reason code or counter key: shorter, same treatment. */
    public static String key(String text) {
        return clean(text, MAX_KEY);
    }

    /** Redacts secrets, escapes control characters and cuts to {@code max} characters. */
    public static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        // Cut first (generously) so a huge input is not redacted whole, then redact, escape, and cut exactly.
        String s = text.length() > 4 * max ? text.substring(0, 4 * max) : text;
        s = SecretGuard.redactAll(s);
        StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 16);
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (isUnsafe(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= max && (out.length() < s.length() || text.length() > s.length())) {
            out.setLength(max);
            out.append("… (cut)");
        }
        return out.toString();
    }

    /** C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional embedding/override/isolate marks. */
    static boolean isUnsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';
    }
}
