package io.tokenpulse.app.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * How instances of one application know each other: a shared instance secret ({@code query.peer.secret.file}), sent
 * on every forwarded request and compared in constant time. The caller's bearer token never leaves the instance it
 * reached; the peer gets the caller's name and tenant scope instead, and trusts them only with the secret. A request
 * that says it was forwarded ({@link Forwarder#HEADER}) without the secret is refused: a client must not pick the
 * stale-copy path or a scope of its choosing by setting a header.
 */
public final class PeerAuth {
    public static final String SECRET_HEADER = "X-TokenPulse-Peer";
    public static final String SCOPE_HEADER = "X-TokenPulse-Scope";
    public static final String CALLER_HEADER = "X-TokenPulse-Caller";
    /** Long enough that guessing is hopeless; 32 random bytes in base64 or hex are well above. */
    static final int MIN_SECRET = 24;

    private final String secret;
    private final byte[] secretHash;

    private PeerAuth(String secret) {
        this.secret = secret;
        this.secretHash = secret == null ? null : BearerAuth.sha256(secret);
    }

    /** No secret: forwarded requests are accepted only while the API has no auth at all (loopback). */
    public static PeerAuth none() {
        return new PeerAuth(null);
    }

    public static PeerAuth ofSecret(String secret) {
        String s = secret.strip();
        if (s.length() < MIN_SECRET) {
            throw new IllegalArgumentException("the instance secret must be at least " + MIN_SECRET
                    + " characters (e.g. 'openssl rand -base64 32')");
        }
        return new PeerAuth(s);
    }

    public static PeerAuth fromFile(Path file) {
        try {
            return ofSecret(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the instance secret file " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean configured() {
        return secret != null;
    }

    /** Adds this instance's credential and the caller's scope to a request for a peer. */
    void sign(HttpRequest.Builder request, Caller caller) {
        if (secret != null) {
            request.header(SECRET_HEADER, secret);
        }
        request.header(SCOPE_HEADER, caller.scopeHeader());
        request.header(CALLER_HEADER, URLEncoder.encode(caller.name(), StandardCharsets.UTF_8));
    }

    /**
     * The caller a forwarded request acts for. 401 without the right secret; 403 when this instance has no secret
     * but requires bearer auth (a peer cannot prove itself, and the caller's token is never forwarded).
     */
    public Caller verify(ApiRequest request, boolean authRequired) {
        if (secret == null) {
            if (authRequired) {
                throw new ApiException(403, "forwarded requests need an instance secret on every instance (query.peer.secret.file)");
            }
        } else {
            Optional<String> presented = request.header(SECRET_HEADER);
            if (presented.isEmpty() || !MessageDigest.isEqual(secretHash, BearerAuth.sha256(presented.get().strip()))) {
                throw new ApiException(401, "a forwarded request must come from a peer instance");
            }
        }
        String name = request.header(CALLER_HEADER).map(n -> URLDecoder.decode(n, StandardCharsets.UTF_8)).orElse("peer");
        // Without a scope header a peer of an auth-off cluster forwarded for an anonymous caller.
        return request.header(SCOPE_HEADER).map(s -> Caller.fromScopeHeader(name, s))
                .orElse(secret == null ? Caller.ANONYMOUS : new Caller(name, java.util.Set.of()));
    }
}
