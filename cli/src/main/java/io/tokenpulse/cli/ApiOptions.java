package io.tokenpulse.cli;

import java.io.IOException;
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
