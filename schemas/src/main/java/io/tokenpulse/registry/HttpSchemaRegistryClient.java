package io.tokenpulse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over {@link HttpClient}. Ids are cached both ways (a schema's id
 * per subject, an id's schema), so a steady-state serde never calls the registry. Connection failures,
 * 5xx and 429 are retried with exponential backoff, then the next URL is tried; 4xx answers are final. An id the
 * registry answered 4xx for is remembered for {@code missing.id.cache.ttl.sec} (at most {@code missing.cache.size}
 * ids): a stream of records with a bad id must not cost one blocking call each.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF_MS = 10_000;

    private final RegistryConfig config;
    private final HttpClient http;
    private final String authorization;
    private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final MissingIds missingIds;

    public HttpSchemaRegistryClient(RegistryConfig config) {
        this(config, System::nanoTime);
    }

    HttpSchemaRegistryClient(RegistryConfig config, java.util.function.LongSupplier nanoClock) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // Plain HTTP/1.1: the JDK's default h2c upgrade attempt confuses some registries and proxies.
                .version(HttpClient.Version.HTTP_1_1);
        RegistryTls.sslContext(config.ssl()).ifPresent(b::sslContext);
        this.http = b.build();
        this.authorization = config.bearerToken().map(t -> "Bearer " + t)
                .or(() -> config.basicAuthUserInfo().map(u -> "Basic "
                        + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8))))
                .orElse(null);
        this.missingIds = new MissingIds(config.missingIdTtl(), config.missingIdCacheSize(), nanoClock);
        for (String url : config.credentialsInClear()) {
            LOG.warn("Schema registry credentials are sent to {} over plain HTTP: anyone on the network path can read"
                    + " them; use https://", url);
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        try {
            return idOf(subject, schema, "/subjects/" + encode(subject) + "/versions", "register a schema under subject '" + subject + "'");
        } catch (RegistryException e) {
            // Two instances creating the same subject at once: Apicurio answers the slower one 409 "already exists"
            // (a 409 for an incompatible schema says so and stays final). The schema is there now: look its id up.
            if (e.status() != 409 || e.getMessage() == null || !e.getMessage().contains("already exists")) {
                throw e;
            }
            try {
                return lookup(subject, schema);
            } catch (RegistryException lookupFailed) {
                e.addSuppressed(lookupFailed);
                throw e;
            }
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return idOf(subject, schema, "/subjects/" + encode(subject), "look up a schema under subject '" + subject + "'");
    }

    /** Register and lookup differ only in the endpoint: both POST the schema and answer its id, cached per subject. */
    private int idOf(String subject, Schema schema, String path, String what) {
        String cacheKey = subject + '\n' + schema;
        Integer cached = idBySubjectAndSchema.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", path, body(schema), what);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new RegistryException("registry answered without an id to " + what + ": " + answer);
        }
        remember(cacheKey, id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        RegistryException missing = missingIds.get(id);
        if (missing != null) {
            throw new RegistryException(missing.getMessage() + " (remembered; asked again after "
                    + config.missingIdTtl().toSeconds() + " s)", missing.status(), null);
        }
        JsonNode answer;
        try {
            answer = call("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
        } catch (RegistryException e) {
            if (e.status() >= 400 && e.status() < 500 && e.status() != 429) {
                missingIds.put(id, e);
            }
            throw e;
        }
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new RegistryException("registry answered without a schema for id " + id + ": " + answer);
        }
        Schema schema = new Schema.Parser().parse(text);
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", body(schema),
                    "check compatibility under subject '" + subject + "'");
            return answer.path("is_compatible").asBoolean(false);
        } catch (RegistryException e) {
            if (e.notFound()) {
                return true; // no version yet: anything is compatible with nothing
            }
            throw e;
        }
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = call("GET", "/subjects", null, "list subjects");
        List<String> subjects = new ArrayList<>();
        answer.forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    @Override
    public String describe() {
        return config.urls().stream().map(RegistryConfig::redact).collect(java.util.stream.Collectors.joining(","));
    }

    @Override
    public void close() {
        // HttpClient on Java 17 has no close(); its threads are daemons.
    }

    private void remember(String cacheKey, int id, Schema schema) {
        idBySubjectAndSchema.put(cacheKey, id);
        schemaById.putIfAbsent(id, schema);
    }

    private static String body(Schema schema) {
        ObjectNode node = JSON.createObjectNode();
        node.put("schema", schema.toString());
        return node.toString();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * One logical call. Each round tries every URL in turn (the next one when a node is unreachable or
     * overloaded); rounds are separated by an exponential backoff. A 4xx answer is final: asking again will not help.
     */
    private JsonNode call(String method, String path, String body, String what) {
        RegistryException last = null;
        long backoff = config.initialBackoff().toMillis();
        int rounds = config.maxRetries() + 1;
        for (int round = 1; round <= rounds; round++) {
            if (round > 1) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
            for (String base : config.urls()) {
                String shown = RegistryConfig.redact(base);
                HttpResponse<String> response;
                try {
                    response = http.send(request(base + path, method, body), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    last = new RegistryException("cannot " + what + ": schema registry " + shown + " is unreachable: " + e, -1, e);
                    LOG.warn("Schema registry {} unreachable for '{}' (round {} of {}): {}", shown, what, round, rounds, e.toString());
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException("interrupted while trying to " + what + " at " + shown, -1, e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return parse(response.body(), shown, what);
                }
                RegistryException failure = failure(shown, what, status, response.body());
                if (!retriable(status)) {
                    throw failure;
                }
                last = failure;
                LOG.warn("Schema registry {} answered HTTP {} to '{}' (round {} of {})", shown, status, what, round, rounds);
            }
        }
        throw last;
    }

    private static boolean retriable(int status) {
        return status >= 500 || status == 429;
    }

    private static JsonNode parse(String body, String shown, String what) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            // A 2xx that is not JSON is a wrong URL (a proxy page, a UI), not a transient failure: do not retry.
            throw new RegistryException("cannot " + what + ": schema registry " + shown + " answered with something that is not JSON: "
                    + abbreviate(body), 200, e);
        }
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? String.valueOf(text) : text.substring(0, 200) + "...";
    }

    private HttpRequest request(String url, String method, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return b.build();
    }

    private static RegistryException failure(String base, String what, int status, String body) {
        String detail = body;
        try {
            JsonNode error = JSON.readTree(body);
            if (error.has("error_code") || error.has("message")) {
                detail = "error_code " + error.path("error_code").asText("?") + ": " + error.path("message").asText("");
            }
        } catch (IOException notJson) {
            detail = abbreviate(body); // an HTML error page from a proxy, say: keep it short
        }
        return new RegistryException("cannot " + what + " at schema registry " + base + ": HTTP " + status + " (" + detail + ")", status, null);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while backing off", -1, e);
        }
    }
}
