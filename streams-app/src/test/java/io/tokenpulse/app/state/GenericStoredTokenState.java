package io.tokenpulse.app.state;

import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.schemas.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The token store's format as the generic Avro writer and reader produce it: the implementation the store used before
 * {@link StoredTokenState} wrote and read field by field, kept here as the reference its bytes are held equal to. It
 * walks the schemas, so a field added to {@code TokenState} or {@code TokenActivity} shows up here at once, and the
 * hand codec's test fails until the codec writes it too.
 */
final class GenericStoredTokenState {
    static final byte FORMAT = StoredTokenState.FORMAT;
    private static final Schema SCHEMA = TokenState.getClassSchema();
    private static final Schema ACTIVITY = SCHEMA.getField("activity").schema().getTypes().get(1);
    /** The long fields of TokenActivity (or their maps' or arrays' values) that hold event times. */
    static final Set<String> ACTIVITY_TIMES = Set.of("knownAt", "discoveredAt", "firstUseAt", "lastUseAt",
            "lastAllowedUseAt", "firstAllowedUseAt", "scopeLastUse", "scopeGrantedAt", "spikeFirstWindow", "spikeWindow",
            "spikeAlertedWindow", "probeTimes", "pendingUnknownFirstAt", "replacedAt", "replacementFirstUsedAt",
            "retiredVersionAt", "detectedAt", "signalTimes", "openConditions", "lastAlertAt", "scheduledDue",
            "evaluatedAt", "versionEventAt", "versionRetiredSince");
    /** The long fields of TokenActivity that are not times (counts, hashes): written as they are. */
    static final Set<String> ACTIVITY_NOT_TIMES = Set.of("spikeWindowCount", "spikeCountBefore", "sourceNetworks",
            "userAgents", "pendingUnknownUses", "attemptsAfterRevocation", "foldedSince", "incidentDigest");
    /**
     * The names of every field written relative to the base: TokenState's timestamps and TokenActivity's times (the two
     * records share no field name).
     */
    static final Set<String> TIMES = times();
    private static final SpecificData DATA = data();

    private GenericStoredTokenState() {
    }

    static byte[] write(TokenState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(FORMAT);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        long base = state.getFirstEventAt().toEpochMilli();
        try {
            out.writeLong(base);
            new Writer(base).write(state, out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write the state of token " + state.getTokenId(), e);
        }
        return bytes.toByteArray();
    }

    static TokenState read(byte[] bytes) {
        AvroTrust.ensure(); // the generic reader instantiates the generated classes
        try {
            var in = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
            long base = in.readLong();
            return new Reader(base).read(null, in);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read a stored token state", e);
        }
    }

    private static Set<String> times() {
        Set<String> out = new HashSet<>(ACTIVITY_TIMES);
        for (Schema.Field f : SCHEMA.getFields()) {
            if (valueSchema(f.schema()).getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                out.add(f.name());
            }
        }
        return Set.copyOf(out);
    }

    /** TokenActivity's schema, as nested in TokenState's. */
    static Schema activitySchema() {
        return ACTIVITY;
    }

    private static SpecificData data() {
        SpecificData d = new SpecificData(TokenState.class.getClassLoader());
        // Every field through writeField and readField, where the times are handled.
        d.setCustomCoders(false);
        d.setFastReaderEnabled(false);
        return d;
    }

    /** The long schema of a time field: itself, its non-null branch, or its map's or array's values. */
    private static Schema valueSchema(Schema s) {
        return switch (s.getType()) {
            case UNION -> valueSchema(s.getTypes().get(s.getTypes().get(0).getType() == Schema.Type.NULL ? 1 : 0));
            case MAP -> s.getValueType();
            case ARRAY -> s.getElementType();
            default -> s;
        };
    }

    private static long millis(Object time) {
        return time instanceof Instant i ? i.toEpochMilli() : (Long) time;
    }

    private static final class Writer extends SpecificDatumWriter<TokenState> {
        private final long base;

        Writer(long base) {
            super(SCHEMA, DATA);
            this.base = base;
        }

        @Override
        protected void writeField(Object datum, Schema.Field f, Encoder out, Object state) throws IOException {
            if (!TIMES.contains(f.name())) {
                super.writeField(datum, f, out, state);
                return;
            }
            Object value = getData().getField(datum, f.name(), f.pos());
            Schema s = f.schema();
            switch (s.getType()) {
                case UNION -> {
                    if (value == null) {
                        out.writeIndex(0);
                        out.writeNull();
                    } else {
                        out.writeIndex(1);
                        out.writeLong(millis(value) - base);
                    }
                }
                case MAP -> {
                    Map<?, ?> map = (Map<?, ?>) value;
                    out.writeMapStart();
                    out.setItemCount(map.size());
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        out.startItem();
                        out.writeString(e.getKey().toString());
                        out.writeLong(millis(e.getValue()) - base);
                    }
                    out.writeMapEnd();
                }
                case ARRAY -> {
                    List<?> list = (List<?>) value;
                    out.writeArrayStart();
                    out.setItemCount(list.size());
                    for (Object item : list) {
                        out.startItem();
                        out.writeLong(millis(item) - base);
                    }
                    out.writeArrayEnd();
                }
                default -> out.writeLong(millis(value) - base);
            }
        }
    }

    private static final class Reader extends SpecificDatumReader<TokenState> {
        private final long base;

        Reader(long base) {
            super(SCHEMA, SCHEMA, DATA);
            this.base = base;
        }

        @Override
        protected void readField(Object record, Schema.Field f, Object oldDatum, ResolvingDecoder in, Object state)
                throws IOException {
            if (!TIMES.contains(f.name())) {
                super.readField(record, f, oldDatum, in, state);
                return;
            }
            Schema s = f.schema();
            boolean instant = valueSchema(s).getLogicalType() instanceof LogicalTypes.TimestampMillis;
            Object value;
            switch (s.getType()) {
                case UNION -> {
                    if (in.readIndex() == 0) {
                        in.readNull();
                        value = null;
                    } else {
                        value = time(in.readLong(), instant);
                    }
                }
                case MAP -> {
                    Map<String, Object> map = new HashMap<>();
                    for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
                        for (long i = 0; i < n; i++) {
                            String key = in.readString();
                            map.put(key, time(in.readLong(), instant));
                        }
                    }
                    value = map;
                }
                case ARRAY -> {
                    List<Object> list = new ArrayList<>();
                    for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                        for (long i = 0; i < n; i++) {
                            list.add(time(in.readLong(), instant));
                        }
                    }
                    value = list;
                }
                default -> value = time(in.readLong(), instant);
            }
            getData().setField(record, f.name(), f.pos(), value);
        }

        private Object time(long relative, boolean instant) {
            long at = relative + base;
            return instant ? Instant.ofEpochMilli(at) : at;
        }
    }
}
