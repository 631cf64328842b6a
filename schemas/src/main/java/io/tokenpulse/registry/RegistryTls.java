package io.tokenpulse.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The registry client's TLS from Confluent's {@code schema.registry.ssl.truststore.*} settings. */
final class RegistryTls {
    private RegistryTls() {
    }

    /** Empty without a trust store: the JVM's CAs then check the registry's certificate. */
    static Optional<SSLContext> sslContext(Map<String, String> ssl) {
        String location = ssl.get(RegistryConfig.SSL_TRUSTSTORE_LOCATION);
        if (location == null) {
            return Optional.empty();
        }
        String type = ssl.getOrDefault(RegistryConfig.SSL_TRUSTSTORE_TYPE,
                location.toLowerCase(java.util.Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
        try {
            KeyStore trust = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(Path.of(location))) {
                String password = ssl.get(RegistryConfig.SSL_TRUSTSTORE_PASSWORD);
                trust.load(in, password == null ? null : password.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return Optional.of(ctx);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + RegistryConfig.SSL_TRUSTSTORE_LOCATION + "=" + location
                    + ": " + e.getMessage(), e);
        }
    }
}
