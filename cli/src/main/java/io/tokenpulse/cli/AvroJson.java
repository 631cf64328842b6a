package io.tokenpulse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders our Avro records as plain JSON with the contract's field names: timestamps as ISO-8601 UTC strings,
 * enums as their symbol, nulls as null. Avro's own JSON encoding wraps unions ({"string": ...}),
 * which no script wants to read.
 */
public final class AvroJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    public static String toJson(IndexedRecord record) {
        try {
            return MAPPER.writeValueAsString(toNode(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + record.getSchema().getFullName() + " as JSON", e);
        }
    }

    public static ObjectNode toNode(IndexedRecord record) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), value(record.get(field.pos())));
        }
        return node;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        } else if (v instanceof IndexedRecord r) {
            return toNode(r);
        } else if (v instanceof Instant i) {
            return NODES.textNode(i.toString());
        } else if (v instanceof CharSequence || v instanceof Enum<?> || v instanceof GenericContainer) {
            return NODES.textNode(v.toString());
        } else if (v instanceof Integer n) {
            return NODES.numberNode(n);
        } else if (v instanceof Long n) {
            return NODES.numberNode(n);
        } else if (v instanceof Double n) {
            return NODES.numberNode(n);
        } else if (v instanceof Float n) {
            return NODES.numberNode(n);
        } else if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode map = NODES.objectNode();
            new java.util.TreeMap<>(m).forEach((k, val) -> map.set(k.toString(), value(val)));
            return map;
        } else if (v instanceof Collection<?> c) {
            ArrayNode array = NODES.arrayNode();
            c.forEach(e -> array.add(value(e)));
            return array;
        }
        return NODES.textNode(v.toString());
    }
}
