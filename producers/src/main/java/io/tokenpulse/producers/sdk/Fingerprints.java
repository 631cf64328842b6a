package io.tokenpulse.producers.sdk;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a secret that has no public id of its own into a stable public one. Keyed (HMAC) rather than a
 * plain hash: a plain SHA-256 of a low-entropy or well-known token could be reversed by brute force, while
 * without the key nobody can test guesses against the fingerprint. The same key and secret always give the
 * same id, so every producer of an organisation that shares the key agrees on the tokenId.
 */
public final class Fingerprints {
    /** Prefix of every fingerprint: tells readers the id is derived, not issued. */
    public static final String PREFIX = "fp_";

    private static final String ALGORITHM = "HmacSHA256";

    private Fingerprints() {
    }

    /**
     * {@code fp_} followed by the 64 lowercase hex digits of HMAC-SHA-256(key, UTF-8 secret). Hex rather than
     * base64url so that the id can never contain a run that {@link SecretGuard} mistakes for a secret.
     *
     * @param key the organisation's fingerprint key; at least 32 random bytes are recommended
     */
    public static String hmacSha256(byte[] key, String secret) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(secret, "secret");
        if (key.length == 0) {
            throw new IllegalArgumentException("fingerprint key must not be empty");
        }
        try {
            // A new Mac per call: Mac is not thread-safe, and creating one costs far less than a send.
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            byte[] digest = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every Java runtime must provide HmacSHA256 (JCA standard names), so this is a broken JVM.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** As {@link #hmacSha256(byte[], String)} with the key's UTF-8 bytes. */
    public static String hmacSha256(String key, String secret) {
        Objects.requireNonNull(key, "key");
        return hmacSha256(key.getBytes(StandardCharsets.UTF_8), secret);
    }
}
