package io.tokenpulse.producers.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Athena's text rendering of ROW, ARRAY and MAP values: {@code {name=value, name={...}, list=[a, b]}}, with
 * {@code null} for SQL NULL. A plain value runs to the {@code , name=} that starts the next field or to the closing
 * bracket; IAM names may hold {@code =} and {@code ,} but no space or bracket. Field names become CloudTrail's
 * ({@link CloudTrailAthena#NAMES}). Messages give positions, not text.
 */
final class AthenaStruct {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String s;
    private final boolean inResources;
    private int i;

    /** @param inResources whether {@code s} is the resources column, whose elements name their ARN "ARN" */
    AthenaStruct(String s, boolean inResources) {
        this.s = s;
        this.inResources = inResources;
    }

    JsonNode value() {
        JsonNode v = nested(0);
        skipSpaces();
        if (i != s.length()) {
            throw new IllegalArgumentException("unexpected text at character " + (i + 1) + " of " + s.length());
        }
        return v;
    }

    /** A struct or an array at {@code i}. */
    private JsonNode nested(int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException("nested deeper than 32 levels");
        }
        char open = s.charAt(i);
        i++;
        if (open == '{') {
            ObjectNode o = NODES.objectNode();
            skipSpaces();
            if (peek() == '}') {
                i++;
                return o;
            }
            while (true) {
                int eq = s.indexOf('=', i);
                if (eq < 0) {
                    throw new IllegalArgumentException("a field without '=' at character " + (i + 1));
                }
                String name = s.substring(i, eq).strip();
                if (name.isEmpty() || name.chars().anyMatch(c -> c == ',' || c == '{' || c == '}' || c == '[' || c == ']')) {
                    throw new IllegalArgumentException("a field without a name at character " + (i + 1));
                }
                i = eq + 1;
                JsonNode v = element(depth, '}');
                if (v != null) {
                    String key = name.toLowerCase(Locale.ROOT);
                    o.set(inResources && depth == 1 && key.equals("arn") ? "ARN" : CloudTrailAthena.NAMES.getOrDefault(key, name), v);
                }
                if (closes('}')) {
                    return o;
                }
            }
        }
        ArrayNode a = NODES.arrayNode();
        skipSpaces();
        if (peek() == ']') {
            i++;
            return a;
        }
        while (true) {
            JsonNode v = element(depth, ']');
            a.add(v == null ? NODES.nullNode() : v);
            if (closes(']')) {
                return a;
            }
        }
    }

    /** After an element: true at the closing bracket (consumed), false at a comma (consumed). */
    private boolean closes(char close) {
        skipSpaces();
        char c = peek();
        i++;
        if (c == close) {
            return true;
        }
        if (c == ',') {
            skipSpaces();
            return false;
        }
        throw new IllegalArgumentException(i > s.length() ? "ends before its closing '" + close + "'"
                : "expected ',' or '" + close + "' at character " + i);
    }

    /** A value inside a struct or array: nested, or plain text up to where the next field or the end starts. */
    private JsonNode element(int depth, char close) {
        skipSpaces();
        char c = peek();
        if (c == '{' || c == '[') {
            return nested(depth + 1);
        }
        int start = i;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch == close || ch == '{' || ch == '[' || ch == ']' || ch == '}') {
                break;
            }
            if (ch == ',' && (close == ']' || nextIsField(i + 1))) {
                break;
            }
            i++;
        }
        if (i >= s.length()) {
            throw new IllegalArgumentException("ends before its closing '" + close + "'");
        }
        String text = s.substring(start, i).strip();
        return text.equals("null") ? null : NODES.textNode(text);
    }

    /** Whether {@code name=} follows at {@code from} (after spaces): the next field of a struct. */
    private boolean nextIsField(int from) {
        int j = from;
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        int eq = s.indexOf('=', j);
        return eq > j && CloudTrailAthena.NAME.matcher(s.substring(j, eq).toLowerCase(Locale.ROOT)).matches();
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpaces() {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
    }
}
