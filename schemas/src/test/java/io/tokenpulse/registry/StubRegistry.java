package io.tokenpulse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A tiny Confluent-API schema registry on 127.0.0.1 for tests, served under a base path as Apicurio serves
 * its ccompat API. Ids are global and shared across subjects, like Confluent's. Failures can be scripted
 * ahead of the real answer, and every request is recorded so tests can check paths, headers and counts.
 */
public final class StubRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the stub saw it. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private record Scripted(int status, String body) {
    }

    private final HttpServer server;
    private final String basePath;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Scripted> scripted = new ArrayDeque<>();
    private final Map<String, Integer> idsByCanonical = new LinkedHashMap<>();
    private final Map<Integer, String> schemasById = new LinkedHashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new TreeMap<>();

    public StubRegistry(String basePath) throws IOException {
        this.basePath = basePath;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL clients are configured with, e.g. {@code http://127.0.0.1:1234/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + basePath;
    }

    /** Answers the next {@code times} requests with this status and body instead of serving them. */
    public synchronized StubRegistry failNext(int times, int status, String body) {
        for (int i = 0; i < times; i++) {
            scripted.add(new Scripted(status, body));
        }
        return this;
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        String rawPath = exchange.getRequestURI().getRawPath();
        requests.add(new Request(exchange.getRequestMethod(), rawPath, headers, body));
        Scripted answer;
        synchronized (this) {
            answer = scripted.poll();
            if (answer == null) {
                answer = serve(exchange.getRequestMethod(), rawPath, body);
            }
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Scripted serve(String method, String rawPath, String body) throws IOException {
        if (!rawPath.startsWith(basePath + "/")) {
            return error(404, 404, "HTTP 404 Not Found");
        }
        String[] parts = rawPath.substring(basePath.length() + 1).split("/");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        if (method.equals("GET") && parts.length == 1 && parts[0].equals("subjects")) {
            return ok(JSON.writeValueAsString(versionsBySubject.keySet()));
        }
        if (method.equals("GET") && parts.length == 3 && parts[0].equals("schemas") && parts[1].equals("ids")) {
            String schema = schemasById.get(Integer.parseInt(parts[2]));
            return schema == null ? error(404, 40403, "Schema " + parts[2] + " not found") : ok(object("schema", schema));
        }
        if (method.equals("POST") && parts.length == 3 && parts[0].equals("subjects") && parts[2].equals("versions")) {
            return ok(JSON.createObjectNode().put("id", register(parts[1], schemaOf(body))).toString());
        }
        if (method.equals("POST") && parts.length == 2 && parts[0].equals("subjects")) {
            return lookup(parts[1], schemaOf(body));
        }
        if (method.equals("POST") && parts.length == 5 && parts[0].equals("compatibility")) {
            List<Integer> versions = versionsBySubject.get(parts[2]);
            if (versions == null) {
                return error(404, 40401, "Subject '" + parts[2] + "' not found.");
            }
            Schema latest = new Schema.Parser().parse(schemasById.get(versions.get(versions.size() - 1)));
            boolean compatible = SchemaCompatibility.checkReaderWriterCompatibility(schemaOf(body), latest).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
            return ok(JSON.createObjectNode().put("is_compatible", compatible).toString());
        }
        return error(404, 404, "HTTP 404 Not Found");
    }

    private int register(String subject, Schema schema) {
        int id = idsByCanonical.computeIfAbsent(schema.toString(), s -> {
            int next = schemasById.size() + 1;
            schemasById.put(next, s);
            return next;
        });
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    private Scripted lookup(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
        }
        Integer id = idsByCanonical.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            return error(404, 40403, "Schema not found");
        }
        ObjectNode answer = JSON.createObjectNode().put("subject", subject).put("version", versions.indexOf(id) + 1).put("id", id);
        return ok(answer.put("schema", schemasById.get(id)).toString());
    }

    /** Parsed and re-printed, as a real registry canonicalises what it stores. */
    private static Schema schemaOf(String body) throws IOException {
        JsonNode request = JSON.readTree(body);
        return new Schema.Parser().parse(request.path("schema").asText());
    }

    private static String object(String field, String value) {
        return JSON.createObjectNode().put(field, value).toString();
    }

    private static Scripted ok(String body) {
        return new Scripted(200, body);
    }

    private static Scripted error(int status, int code, String message) {
        return new Scripted(status, JSON.createObjectNode().put("error_code", code).put("message", message).toString());
    }
}
