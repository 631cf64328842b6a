package io.tokenpulse.serde;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * An Avro enum's values by the index Avro writes for them (their place among the schema's symbols) and back, for the
 * codecs that write records field by field.
 */
public final class EnumIndex<E extends Enum<E>> {
    private final String name;
    private final List<E> symbols;
    private final Map<E, Integer> index;

    private EnumIndex(Class<E> type, Schema schema) {
        this.name = schema.getFullName();
        this.symbols = schema.getEnumSymbols().stream().map(s -> Enum.valueOf(type, s)).toList();
        this.index = new EnumMap<>(type);
        for (int i = 0; i < symbols.size(); i++) {
            index.put(symbols.get(i), i);
        }
    }

    /** The index of {@code type}'s values in {@code schema}, the enum's Avro schema. */
    public static <E extends Enum<E>> EnumIndex<E> of(Class<E> type, Schema schema) {
        return new EnumIndex<>(type, schema);
    }

    /** What Avro writes for {@code value}. */
    public int indexOf(E value) {
        return index.get(value);
    }

    /** The value Avro wrote as {@code i}; an index out of the schema's symbols is an IOException. */
    public E at(int i) throws IOException {
        if (i < 0 || i >= symbols.size()) {
            throw new IOException("index " + i + " is not a symbol of " + name);
        }
        return symbols.get(i);
    }
}
