package io.tokenpulse.app.query;

import io.tokenpulse.app.config.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The security settings of the query API, typed: who may call (bearer credentials and their tenants), how peers
 * prove themselves (the instance secret), and TLS (a PKCS#12 or JKS key store for the server, reloaded when the file
 * changes; a trust store for the peers' certificates). Every problem is reported at start, naming the setting.
 */
public record ApiSecurity(BearerAuth auth, PeerAuth peer, Optional<Tls> tls) {
    public static final String KEYSTORE = AppConfig.QUERY_TLS_PREFIX + "keystore";
    public static final String KEYSTORE_PASSWORD = AppConfig.QUERY_TLS_PREFIX + "keystore.password";
    public static final String KEYSTORE_TYPE = AppConfig.QUERY_TLS_PREFIX + "keystore.type";
    public static final String KEY_PASSWORD = AppConfig.QUERY_TLS_PREFIX + "key.password";
    public static final String TRUSTSTORE = AppConfig.QUERY_TLS_PREFIX + "truststore";
    public static final String TRUSTSTORE_PASSWORD = AppConfig.QUERY_TLS_PREFIX + "truststore.password";
    public static final String TRUSTSTORE_TYPE = AppConfig.QUERY_TLS_PREFIX + "truststore.type";
    public static final String RELOAD = AppConfig.QUERY_TLS_PREFIX + "reload.interval";

    /**
     * TLS of the API. {@code truststore} empty: peers' certificates are checked against the JVM's CAs (a public CA
     * or one added to the JVM); the host name a peer advertises must be in its certificate either way.
     */
    public record Tls(Path keystore, String keystorePassword, String keystoreType, Optional<String> keyPassword,
                      Optional<Path> truststore, String truststorePassword, String truststoreType, Duration reload) {

        /** The server side, for Jetty: reloaded by a KeyStoreScanner when the key store file changes. */
        public SslContextFactory.Server server() {
            SslContextFactory.Server f = new SslContextFactory.Server();
            f.setKeyStorePath(keystore.toString());
            f.setKeyStorePassword(keystorePassword);
            f.setKeyStoreType(keystoreType);
            keyPassword.ifPresent(f::setKeyManagerPassword);
            // Old protocols and ciphers stay off: Jetty's defaults exclude SSLv3, TLS 1.0/1.1 and weak suites.
            f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            return f;
        }

        /** The client side, for forwarding to peers: trusts the trust store, or the JVM's CAs without one. */
        public SSLContext client() {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                if (truststore.isPresent()) {
                    KeyStore ks = KeyStore.getInstance(truststoreType);
                    try (InputStream in = Files.newInputStream(truststore.get())) {
                        ks.load(in, truststorePassword.toCharArray());
                    }
                    tmf.init(ks);
                } else {
                    tmf.init((KeyStore) null);
                }
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                return ctx;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read " + TRUSTSTORE + "=" + truststore.orElse(null) + ": " + e.getMessage(), e);
            }
        }
    }

    /** Off: no auth, no peer secret, no TLS (loopback only). */
    public static ApiSecurity none() {
        return new ApiSecurity(new BearerAuth(java.util.List.of()), PeerAuth.none(), Optional.empty());
    }

    public static ApiSecurity from(AppConfig.Query query) {
        Map<String, String> s = query.security();
        BearerAuth auth = BearerAuth.from(query.tokenSha256(),
                Optional.ofNullable(s.get(AppConfig.QUERY_AUTH_CREDENTIALS)).map(Path::of));
        PeerAuth peer = PeerAuth.none();
        if (s.containsKey(AppConfig.QUERY_PEER_SECRET) && s.containsKey(AppConfig.QUERY_PEER_SECRET_FILE)) {
            throw new IllegalArgumentException("set one of " + AppConfig.QUERY_PEER_SECRET + " and "
                    + AppConfig.QUERY_PEER_SECRET_FILE + ", not both");
        }
        if (s.containsKey(AppConfig.QUERY_PEER_SECRET)) {
            peer = PeerAuth.ofSecret(s.get(AppConfig.QUERY_PEER_SECRET));
        } else if (s.containsKey(AppConfig.QUERY_PEER_SECRET_FILE)) {
            peer = PeerAuth.fromFile(Path.of(s.get(AppConfig.QUERY_PEER_SECRET_FILE)));
        }
        Optional<Tls> tls = Optional.empty();
        if (s.containsKey(KEYSTORE)) {
            Path keystore = Path.of(s.get(KEYSTORE));
            if (!Files.isReadable(keystore)) {
                throw new IllegalArgumentException(KEYSTORE + "=" + keystore + ": no such readable file");
            }
            String password = Optional.ofNullable(s.get(KEYSTORE_PASSWORD))
                    .orElseThrow(() -> new IllegalArgumentException(KEYSTORE + " needs " + KEYSTORE_PASSWORD));
            Duration reload = Duration.parse(s.getOrDefault(RELOAD, "PT1M").toUpperCase(Locale.ROOT));
            tls = Optional.of(new Tls(keystore, password, s.getOrDefault(KEYSTORE_TYPE, type(keystore)),
                    Optional.ofNullable(s.get(KEY_PASSWORD)), Optional.ofNullable(s.get(TRUSTSTORE)).map(Path::of),
                    s.getOrDefault(TRUSTSTORE_PASSWORD, ""),
                    s.getOrDefault(TRUSTSTORE_TYPE, Optional.ofNullable(s.get(TRUSTSTORE)).map(t -> type(Path.of(t))).orElse("PKCS12")),
                    reload));
        } else if (s.keySet().stream().anyMatch(k -> k.startsWith(AppConfig.QUERY_TLS_PREFIX))) {
            throw new IllegalArgumentException(AppConfig.QUERY_TLS_PREFIX + "* settings without " + KEYSTORE + ": TLS needs a key store");
        }
        return new ApiSecurity(auth, peer, tls);
    }

    private static String type(Path store) {
        return store.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /** The forwarder to peers: over TLS when this API serves TLS, with this instance's own credential. */
    public Forwarder forwarder(Duration timeout) {
        return new Forwarder(timeout, tls.map(Tls::client).orElse(null), peer);
    }
}
