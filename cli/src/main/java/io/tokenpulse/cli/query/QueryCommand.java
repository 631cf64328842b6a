package io.tokenpulse.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenpulse.cli.Errors;
import io.tokenpulse.cli.HumanDuration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Ask a running pipeline's query API (any instance: it routes to the one that holds the answer)."},
        subcommands = {QueryCommand.TokenCmd.class, QueryCommand.TokensCmd.class, QueryCommand.PostureCmd.class})
public final class QueryCommand implements Runnable {
    @Override
    public void run() {
        System.err.println("tokenpulse query: say what to ask: token ID, tokens, posture TENANT (see --help)");
    }

    /** Runs one question and prints it, or says why it could not. */
    abstract static class Question implements Callable<Integer> {
        @Mixin
        ApiOptions options;

        @Override
        public final Integer call() throws Exception {
            Map<String, String> env = System.getenv();
            ApiClient client = new ApiClient(options.baseUrl(env), options.token(env), options.sslContext());
            try {
                ask(client, System.out);
                return 0;
            } catch (ApiClient.ApiError e) {
                System.err.println("tokenpulse query: " + e.getMessage());
                return e.status == 404 ? 3 : 2;
            } catch (java.io.IOException e) {
                System.err.println("tokenpulse query: " + Errors.describe(e));
                return 2;
            }
        }

        abstract void ask(ApiClient client, PrintStream out) throws Exception;
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = {"One token: lifecycle, scopes, use, open conditions, incident."})
    static final class TokenCmd extends Question {
        @Parameters(paramLabel = "TOKEN_ID", description = "The token's public id.")
        String tokenId;

        @Override
        void ask(ApiClient client, PrintStream out) throws Exception {
            String body = client.get("/api/v1/tokens/" + ApiClient.enc(tokenId));
            if (options.json) {
                out.println(body);
                return;
            }
            JsonNode t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            JsonNode life = t.path("lifecycle");
            row(out, "token", t.path("tokenId").asText() + (t.path("stale").asBoolean() ? "  (STALE: from a standby copy)" : ""));
            row(out, "tenant / owner", text(t.path("tenant")) + " / " + text(t.path("owner")));
            row(out, "principal", text(t.path("principal")) + " @ " + text(t.path("serviceVersion")));
            row(out, "status", life.path("status").asText());
            row(out, "issued", text(life.path("issuedAt")));
            row(out, "expires", life.path("expiresAt").isNull() ? "never" : life.path("expiresAt").asText());
            row(out, "revoked", text(life.path("revokedAt")));
            row(out, "last use", text(t.path("lastUseAt")));
            row(out, "known sources", t.path("knownSources").path("networks").asInt() + " networks, "
                    + t.path("knownSources").path("userAgents").asInt() + " user agents");
            out.println();
            out.printf("%-32s %s%n", "scope", "last allowed use");
            for (JsonNode s : t.path("scopes").path("granted")) {
                out.printf("%-32s %s%n", s.asText(), text(t.path("scopes").path("lastUseByScope").path(s.asText())));
            }
            out.println();
            out.printf("%-32s %s%n", "open condition", "since");
            for (Map.Entry<String, JsonNode> c : t.path("openConditions").properties()) {
                out.printf("%-32s %s%n", c.getKey(), c.getValue().asText());
            }
            JsonNode i = t.path("incident");
            if (!i.isNull() && !i.isMissingNode()) {
                out.println();
                row(out, "incident", i.path("open").asBoolean() ? "OPEN" : "closed");
                row(out, "detected", text(i.path("detectedAt")));
                row(out, "time to detect", HumanDuration.of(i.path("timeToDetectMs").isNull() ? null : i.path("timeToDetectMs").asLong()));
                row(out, "time to revoke", HumanDuration.of(i.path("timeToRevokeMs").isNull() ? null : i.path("timeToRevokeMs").asLong()));
            }
        }
    }

    @Command(name = "tokens", mixinStandardHelpOptions = true, description = {"Tokens by tenant, owner and status, sorted by id."})
    static final class TokensCmd extends Question {
        @Option(names = "--status", paramLabel = "STATUS",
                description = "unused, over-privileged, expiring, no-expiry, compromised or retired-version.")
        String status;

        @Option(names = "--tenant", paramLabel = "TENANT")
        String tenant;

        @Option(names = "--owner", paramLabel = "OWNER")
        String owner;

        @Option(names = "--limit", paramLabel = "N", description = "At most this many tokens (default: ${DEFAULT-VALUE}); pages of up to 1000 are fetched as needed.")
        int limit = 100;

        @Override
        void ask(ApiClient client, PrintStream out) throws Exception {
            if (limit < 1) {
                throw new java.io.IOException("--limit must be at least 1");
            }
            StringBuilder q = new StringBuilder();
            add(q, "status", status);
            add(q, "tenant", tenant);
            add(q, "owner", owner);
            List<JsonNode> tokens = new ArrayList<>();
            String cursor = null;
            do {
                int page = Math.min(1000, limit - tokens.size());
                JsonNode body = client.getJson("/api/v1/tokens?limit=" + page + q + (cursor == null ? "" : "&cursor=" + ApiClient.enc(cursor)));
                body.path("tokens").forEach(tokens::add);
                cursor = body.path("nextCursor").isNull() ? null : body.path("nextCursor").asText();
            } while (cursor != null && tokens.size() < limit);
            if (options.json) {
                tokens.forEach(out::println);
                return;
            }
            String format = "%-28s %-12s %-12s %-8s %-20s %-20s %s%n";
            out.printf(format, "token", "tenant", "owner", "status", "expires", "last use", "open conditions");
            for (JsonNode t : tokens) {
                List<String> open = new ArrayList<>();
                t.path("openConditions").fieldNames().forEachRemaining(open::add);
                out.printf(format, t.path("tokenId").asText(), text(t.path("tenant")), text(t.path("owner")),
                        t.path("lifecycle").path("status").asText(), minute(t.path("lifecycle").path("expiresAt"), "never"),
                        minute(t.path("lastUseAt"), "never"), open.isEmpty() ? "-" : String.join(",", open));
            }
            System.err.println(tokens.size() + " token(s)" + (cursor != null ? "; more match (raise --limit)" : "") + ".");
        }

        private static void add(StringBuilder q, String name, String value) {
            if (value != null) {
                q.append('&').append(name).append('=').append(ApiClient.enc(value));
            }
        }
    }

    @Command(name = "posture", mixinStandardHelpOptions = true, description = {"A tenant's posture gauges, per owner too, and its latest reports."})
    static final class PostureCmd extends Question {
        @Parameters(paramLabel = "TENANT")
        String tenant;

        @Override
        void ask(ApiClient client, PrintStream out) throws Exception {
            String body = client.get("/api/v1/tenants/" + ApiClient.enc(tenant) + "/posture");
            if (options.json) {
                out.println(body);
                return;
            }
            JsonNode p = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            String format = "%-20s %-17s %8s %8s %8s %10s %9s %8s%n";
            out.printf(format, "owner", "as of (UTC)", "active", "unused", "overpriv", "no expiry", "over max", "LP ratio");
            gauges(out, format, "(all)", p.path("gauges"));
            for (Map.Entry<String, JsonNode> o : p.path("owners").properties()) {
                gauges(out, format, o.getKey(), o.getValue());
            }
            out.println();
            String rf = "%-20s %-8s %-17s %8s %8s %9s %s%n";
            out.printf(rf, "owner", "window", "start (UTC)", "active", "unused", "incidents", "alerts");
            for (JsonNode r : p.path("latestReports")) {
                out.printf(rf, r.path("owner").isNull() ? "(all)" : r.path("owner").asText(), r.path("granularity").asText(),
                        minute(r.path("windowStart"), "-"), r.path("activeTokens").asLong(), r.path("unusedTokens").asLong(),
                        r.path("incidents").asLong(), r.path("alertsByType").toString());
            }
        }

        private static void gauges(PrintStream out, String format, String owner, JsonNode g) {
            JsonNode ratio = g.path("leastPrivilegeRatio");
            out.printf(format, owner, minute(g.path("asOf"), "-"), g.path("activeTokens").asLong(), g.path("unusedTokens").asLong(),
                    g.path("overPrivilegedTokens").asLong(), g.path("tokensWithoutExpiry").asLong(),
                    g.path("tokensOverMaxLifetime").asLong(), ratio.isNull() ? "-" : String.format("%.2f", ratio.asDouble()));
        }
    }

    static void row(PrintStream out, String name, String value) {
        out.printf("%-16s %s%n", name, value);
    }

    static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }

    static String minute(JsonNode n, String none) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return none;
        }
        String s = n.asText();
        return s.length() >= 16 ? s.substring(0, 16).replace('T', ' ') : s;
    }
}
