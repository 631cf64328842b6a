package io.tokenpulse.app.query;

import io.tokenpulse.app.detect.Token;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What {@code GET /tokens} selects, validated: a bad value is a 400 with the reason, never an empty page that looks
 * like an answer. Statuses read the token's own episodes (openConditions), so "unused" here means exactly what the
 * UNUSED_TOKEN alert means.
 */
public record TokenFilter(Optional<String> tenant, Optional<String> owner, Optional<Status> status, int limit,
                          Optional<String> after) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    static final int MAX_TEXT = 256;

    /** The {@code status} values, by their URL spelling. */
    public enum Status {
        UNUSED("unused", t -> open(t, "UNUSED_TOKEN")),
        OVER_PRIVILEGED("over-privileged", t -> open(t, "OVER_PRIVILEGED")),
        EXPIRING("expiring", t -> open(t, "EXPIRING_UNREPLACED")),
        NO_EXPIRY("no-expiry", t -> t.known() && t.issuedAt() != Token.NONE && t.expiresAt() == Token.NONE
                && t.revokedAt() == Token.NONE && t.expiredEventAt() == Token.NONE),
        COMPROMISED("compromised", Token::compromised),
        RETIRED_VERSION("retired-version", t -> open(t, "RETIRED_VERSION_TOKEN"));

        final String param;
        // Each predicate is a lambda that captures nothing, so it holds no state; the check cannot see that.
        @SuppressWarnings("ImmutableEnumChecker")
        final Predicate<Token> test;

        Status(String param, Predicate<Token> test) {
            this.param = param;
            this.test = test;
        }

        public String param() {
            return param;
        }

        static Status parse(String v) {
            for (Status s : values()) {
                if (s.param.equals(v.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw ApiException.badRequest("parameter 'status' must be one of "
                    + Arrays.stream(values()).map(s -> s.param).collect(Collectors.joining(", ")) + "; got '" + shorten(v) + "'");
        }

        private static boolean open(Token t, String condition) {
            return t.activity().getOpenConditions().containsKey(condition);
        }
    }

    public static TokenFilter from(ApiRequest r) {
        Optional<String> tenant = text(r, "tenant");
        Optional<String> owner = text(r, "owner");
        Optional<Status> status = r.param("status").map(Status::parse);
        int limit = limit(r, DEFAULT_LIMIT);
        Optional<String> after = r.param("cursor").map(Cursor::decode);
        return new TokenFilter(tenant, owner, status, limit, after);
    }

    public boolean matches(Token t) {
        return tenant.map(v -> v.equals(t.tenant())).orElse(true)
                && owner.map(v -> v.equals(t.state().getOwner())).orElse(true)
                && status.map(s -> s.test.test(t)).orElse(true)
                && after.map(a -> t.id().compareTo(a) > 0).orElse(true);
    }

    static int limit(ApiRequest r, int defaultLimit) {
        Optional<String> v = r.param("limit");
        if (v.isEmpty()) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(v.get().trim());
            if (n < 1 || n > MAX_LIMIT) {
                throw ApiException.badRequest("parameter 'limit' must be 1 to " + MAX_LIMIT + "; got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("parameter 'limit' must be a whole number; got '" + shorten(v.get()) + "'");
        }
    }

    static Optional<String> text(ApiRequest r, String name) {
        Optional<String> v = r.param(name);
        v.ifPresent(s -> {
            if (s.isBlank()) {
                throw ApiException.badRequest("parameter '" + name + "' must not be blank");
            }
            if (s.length() > MAX_TEXT) {
                throw ApiException.badRequest("parameter '" + name + "' is longer than " + MAX_TEXT + " characters");
            }
        });
        return v;
    }

    /** Echoes a bad value back, but never a long one (it may be anything a client pasted). */
    static String shorten(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }
}
