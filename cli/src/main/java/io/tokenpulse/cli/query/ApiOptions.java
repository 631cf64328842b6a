package io.tokenpulse.cli.query;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the query API is and how to authenticate, for the 'query' commands. The token comes from a file or the
 * environment, never from a flag: a flag's value ends up in shell history and in every process listing.
 */
final class ApiOptions {
    static final String TOKEN_ENV = "TOKENPULSE_API_TOKEN";
    static final String URL_ENV = "TOKENPULSE_API_URL";
    static final String DEFAULT_URL = "http://127.0.0.1:8088";

    @Option(names = "--api", paramLabel = "URL",
            description = "Base URL of any TokenPulse instance (default: $" + URL_ENV + ", else " + DEFAULT_URL + ").")
    String api;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the bearer token (default: $" + TOKEN_ENV + "; none: no Authorization header).")
    Path tokenFile;

    @Option(names = "--json", description = "Print the API's JSON answer as is.")
    boolean json;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "PEM certificate(s) of the CA an https API is checked against (default: the JVM's CAs).")
    Path caCert;

    /** The CAs of {@code --ca-cert}, for an API whose certificate a private CA signed. */
    Optional<SSLContext> sslContext() throws IOException {
        if (caCert == null) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(caCert)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + caCert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return Optional.of(ctx);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + caCert + " as CA certificates: " + e.getMessage(), e);
        }
    }

    String baseUrl(Map<String, String> env) {
        String url = api != null ? api : env.getOrDefault(URL_ENV, DEFAULT_URL);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    Optional<String> token(Map<String, String> env) throws IOException {
        if (tokenFile != null) {
            String t = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            if (t.isEmpty()) {
                throw new IOException("the token file " + tokenFile + " is empty");
            }
            return Optional.of(t);
        }
        return Optional.ofNullable(env.get(TOKEN_ENV)).map(String::trim).filter(t -> !t.isEmpty());
    }
}
