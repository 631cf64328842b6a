package io.tokenpulse.app.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Bearer tokens checked against configured SHA-256 hashes: the config holds no secret, and a hash compare in
 * constant time ({@link MessageDigest#isEqual}) tells nothing about how close a guess was. Every configured hash is
 * compared, whichever matches, so the time does not say which one did.
 *
 * <p>Each credential has a name (for the audit log; never the token) and the tenants it may read. They come from
 * the credentials file ({@code query.auth.credentials}, see {@link #parse}) and from the older
 * {@code query.auth.token.sha256} list, whose hashes read every tenant (operators, the Prometheus scraper).
 */
public final class BearerAuth {
    private static final String PREFIX = "Bearer ";

    /**
     * One accepted token: {@code tenants} null reads every tenant. A class rather than a record, so that the hash
     * stays inside (a record would hand out its array and compare it by identity).
     */
    public static final class Credential {
        private final String name;
        private final byte[] sha256;
        private final Set<String> tenants;

        public Credential(String name, byte[] sha256, Set<String> tenants) {
            this.name = name;
            this.sha256 = sha256.clone();
            this.tenants = tenants == null ? null : Set.copyOf(tenants);
        }

        public String name() {
            return name;
        }

        public Set<String> tenants() {
            return tenants;
        }

        /** In constant time ({@link MessageDigest#isEqual}): whether {@code presented} is this credential's hash. */
        boolean matches(byte[] presented) {
            return MessageDigest.isEqual(sha256, presented);
        }

        Caller caller() {
            return new Caller(name, tenants);
        }
    }

    private final List<Credential> credentials;

    /** Hashes that read every tenant, named {@code sha256:<first 8 hex digits>} (a hash prefix is no secret). */
    public BearerAuth(List<String> hexHashes) {
        this(hexHashes.stream().map(h -> new Credential("sha256:" + h.substring(0, Math.min(8, h.length())),
                HexFormat.of().parseHex(h), null)).toList(), true);
    }

    private BearerAuth(List<Credential> credentials, boolean unused) {
        this.credentials = List.copyOf(credentials);
    }

    public static BearerAuth of(List<Credential> credentials) {
        Set<String> names = new HashSet<>();
        for (Credential c : credentials) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("credential name '" + c.name() + "' is used twice");
            }
        }
        return new BearerAuth(credentials, true);
    }

    /** The legacy all-tenant hashes plus the credentials file, when one is named. */
    public static BearerAuth from(List<String> hexHashes, Optional<Path> credentialsFile) {
        List<Credential> all = new ArrayList<>(new BearerAuth(hexHashes).credentials);
        credentialsFile.ifPresent(f -> all.addAll(parse(f)));
        return of(all);
    }

    /**
     * Reads a credentials file: one credential a line, {@code NAME SHA256-HEX TENANTS}, where TENANTS is {@code *}
     * (every tenant) or a comma-separated list; blank lines and {@code #} comments are skipped. A line that does not
     * parse fails the whole file (naming the line, never its hash): a credential silently dropped is an outage, one
     * silently widened a leak.
     */
    public static List<Credential> parse(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credentials file " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Credential> parse(String text, String origin) {
        List<Credential> out = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", -1);
            String where = origin + " line " + (i + 1);
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + ": expected 'NAME SHA256-HEX TENANTS' (TENANTS: * or a,b)");
            }
            String hash = parts[1].toLowerCase(Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + ": the second field must be a SHA-256 hash in hex (64 characters),"
                        + " e.g. the output of 'printf %s TOKEN | sha256sum'");
            }
            Set<String> tenants = null;
            if (!parts[2].equals(Caller.ALL)) {
                tenants = Arrays.stream(parts[2].split(",")).filter(t -> !t.isEmpty())
                        .collect(Collectors.toCollection(LinkedHashSet::new));
                if (tenants.isEmpty() || tenants.contains(Caller.ALL)) {
                    throw new IllegalArgumentException(where + ": TENANTS must be * alone or a comma-separated list of tenants");
                }
            }
            out.add(new Credential(parts[0], HexFormat.of().parseHex(hash), tenants));
        }
        return out;
    }

    public boolean required() {
        return !credentials.isEmpty();
    }

    public List<Credential> credentials() {
        return credentials;
    }

    /** The caller the header names; 401 unless auth is off (then {@link Caller#ANONYMOUS}) or the token is accepted. */
    public Caller check(Optional<String> authorization) {
        if (!required()) {
            return Caller.ANONYMOUS;
        }
        String header = authorization.orElseThrow(() -> new ApiException(401, "missing bearer token (Authorization: Bearer ...)"));
        if (header.length() <= PREFIX.length() || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new ApiException(401, "the Authorization header must be 'Bearer <token>'");
        }
        byte[] presented = sha256(header.substring(PREFIX.length()).trim());
        Credential matched = null;
        for (Credential c : credentials) {
            if (c.matches(presented)) {
                matched = c;
            }
        }
        if (matched == null) {
            throw new ApiException(401, "bearer token not accepted");
        }
        return matched.caller();
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
