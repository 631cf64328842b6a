package io.tokenpulse.app.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as plain JSON values with the contract's field names: ISO-8601 UTC times, enum symbols, sorted
 * maps, null as null. The one rendering for the query API, the dashboard and the CLI's {@code --json}: Avro's own
 * JSON encoding wraps unions ({@code {"string": ...}}), which no script wants to read.
 */
public final class AvroMaps {
    private AvroMaps() {
    }

    /** The record as one line of JSON (the CLI's {@code --json} output). */
    public static String json(IndexedRecord record) {
        return new String(Json.bytes(of(record)), StandardCharsets.UTF_8);
    }

    public static Map<String, Object> of(IndexedRecord record) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            m.put(f.name(), value(record.get(f.pos())));
        }
        return m;
    }

    private static Object value(Object v) {
        if (v instanceof IndexedRecord r) {
            return of(r);
        } else if (v instanceof Instant i) {
            return i.toString();
        } else if (v instanceof Enum<?> e) {
            return e.name();
        } else if (v instanceof CharSequence s) {
            return s.toString();
        } else if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, x) -> out.put(k.toString(), value(x)));
            return out;
        } else if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            c.forEach(x -> out.add(value(x)));
            return out;
        }
        return v;
    }
}
