package io.tokenpulse.app.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens checked against configured SHA-256 hashes ({@code query.auth.token.sha256}): the config holds no
 * secret, and a hash compare in constant time ({@link MessageDigest#isEqual}) tells nothing about how close a guess
 * was. Every configured hash is compared, whichever matches, so the time does not say which one did.
 */
public final class BearerAuth {
    private static final String PREFIX = "Bearer ";
    private final List<byte[]> hashes;

    public BearerAuth(List<String> hexHashes) {
        this.hashes = hexHashes.stream().map(h -> HexFormat.of().parseHex(h)).toList();
    }

    public boolean required() {
        return !hashes.isEmpty();
    }

    /** Throws 401 unless auth is off or the header carries an accepted token. */
    public void check(Optional<String> authorization) {
        if (!required()) {
            return;
        }
        String header = authorization.orElseThrow(() -> new ApiException(401, "missing bearer token (Authorization: Bearer ...)"));
        if (header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new ApiException(401, "the Authorization header must be 'Bearer <token>'");
        }
        byte[] presented = sha256(header.substring(PREFIX.length()).trim());
        boolean ok = false;
        for (byte[] h : hashes) {
            ok |= MessageDigest.isEqual(h, presented);
        }
        if (!ok) {
            throw new ApiException(401, "bearer token not accepted");
        }
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }
}
