package io.tokenpulse.producers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenpulse.avro.AlertType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pipeline should find in a simulated run, as JSON Lines: a {@code run} header (config, policy, the
 * window the truth covers), then one {@code "alert"} line per condition and one {@code "incident"} line per
 * compromised token. Field order is fixed and times are ISO-8601, so the same seed gives the same bytes.
 */
public record GroundTruth(SimConfig config, List<String> tenants, List<TruthEntry> alerts, List<IncidentTruth> incidents) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public GroundTruth {
        tenants = List.copyOf(tenants);
        alerts = List.copyOf(alerts);
        incidents = List.copyOf(incidents);
    }

    public long truthUntil() {
        return config.truthUntilMs();
    }

    public void write(Writer out) throws IOException {
        ObjectNode run = JSON.createObjectNode();
        run.put("record", "run");
        run.put("seed", config.seed());
        run.put("tenants", config.tenants());
        run.put("tokens", config.tokens());
        run.put("days", config.days());
        run.put("start", config.start().toString());
        run.put("end", iso(config.endMs()));
        run.put("truthUntil", iso(config.truthUntilMs()));
        run.set("tenantIds", JSON.valueToTree(tenants));
        run.set("policy", JSON.valueToTree(SimPolicy.describe()));
        line(out, run);
        for (TruthEntry t : alerts) {
            ObjectNode n = JSON.createObjectNode();
            n.put("record", "alert");
            n.put("type", t.type().name());
            n.put("tenant", t.tenant());
            n.put("tokenId", t.tokenId());
            n.put("eventTime", iso(t.eventTime()));
            n.put("story", t.story());
            line(out, n);
        }
        for (IncidentTruth i : incidents) {
            ObjectNode n = JSON.createObjectNode();
            n.put("record", "incident");
            n.put("tenant", i.tenant());
            n.put("tokenId", i.tokenId());
            putTime(n, "exposedAt", i.exposedAt());
            putTime(n, "reportedAt", i.reportedAt());
            n.put("detectedAt", iso(i.detectedAt()));
            putTime(n, "revokedAt", i.revokedAt());
            n.put("replacedBy", i.replacedBy());
            putTime(n, "replacementFirstUsedAt", i.replacementFirstUsedAt());
            n.put("timeToDetectMs", i.timeToDetectMs());
            n.put("timeToRevokeMs", i.timeToRevokeMs());
            n.put("timeToReplaceMs", i.timeToReplaceMs());
            line(out, n);
        }
    }

    public static GroundTruth read(BufferedReader in) throws IOException {
        SimConfig config = null;
        List<String> tenants = new ArrayList<>();
        List<TruthEntry> alerts = new ArrayList<>();
        List<IncidentTruth> incidents = new ArrayList<>();
        String line;
        int number = 0;
        while ((line = in.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            String record = n.path("record").asText();
            switch (record) {
                case "run" -> {
                    config = new SimConfig(n.get("tenants").asInt(), n.get("tokens").asInt(), n.get("days").asInt(),
                            n.get("seed").asLong(), Instant.parse(n.get("start").asText()));
                    n.get("tenantIds").forEach(t -> tenants.add(t.asText()));
                }
                case "alert" -> alerts.add(new TruthEntry(AlertType.valueOf(n.get("type").asText()), n.get("tenant").asText(),
                        n.get("tokenId").asText(), time(n.get("eventTime")), n.path("story").asText()));
                case "incident" -> incidents.add(new IncidentTruth(n.get("tenant").asText(), n.get("tokenId").asText(),
                        optTime(n, "exposedAt"), optTime(n, "reportedAt"), time(n.get("detectedAt")), optTime(n, "revokedAt"),
                        n.hasNonNull("replacedBy") ? n.get("replacedBy").asText() : null, optTime(n, "replacementFirstUsedAt"),
                        optLong(n, "timeToDetectMs"), optLong(n, "timeToRevokeMs"), optLong(n, "timeToReplaceMs")));
                default -> throw new IOException("truth line " + number + ": unknown record '" + record + "'");
            }
        }
        if (config == null) {
            throw new IOException("not a truth file: no \"run\" header line");
        }
        return new GroundTruth(config, tenants, alerts, incidents);
    }

    private static void line(Writer out, ObjectNode node) throws IOException {
        out.write(JSON.writeValueAsString(node));
        out.write('\n');
    }

    private static void putTime(ObjectNode n, String field, Long ms) {
        if (ms == null) {
            n.putNull(field);
        } else {
            n.put(field, iso(ms));
        }
    }

    static String iso(long ms) {
        return Instant.ofEpochMilli(ms).toString();
    }

    private static long time(JsonNode n) {
        return Instant.parse(n.asText()).toEpochMilli();
    }

    private static Long optTime(JsonNode n, String field) {
        return n.hasNonNull(field) ? time(n.get(field)) : null;
    }

    private static Long optLong(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }
}
