package io.tokenpulse.app.state;

import io.tokenpulse.avro.state.TokenActivity;
import io.tokenpulse.avro.state.TokenState;
import io.tokenpulse.avro.state.TokenStatus;
import io.tokenpulse.serde.ByteSink;
import io.tokenpulse.serde.EnumIndex;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How the token store holds a {@link TokenState}: a format byte, {@code firstEventAt} as a base, then the Avro binary of
 * this build's schema with every event time written relative to that base (a time within a few days of it takes 4
 * bytes where an epoch millisecond takes 6). No registry header: the store is written and read by this build alone.
 * Issue 11: a token's state must stay small, as there are millions of them.
 *
 * <p>The state is written and read field by field, in schema order. Every token judged between two commits is written
 * at the commit, and Avro's generic writer (a walk of the schema, a field looked up by name, union resolution) was a
 * tenth of a backlog's drain. The bytes are those the generic writer gave with the times made relative:
 * {@code StoredTokenStateTest} holds them equal for random states of every field, so a field added to the schema fails
 * it until this class writes and reads it.
 *
 * <p>States written before this format (registry-framed Avro, first byte 0) are still read, through the registry
 * serde, so a store restored from an older changelog works; every state written from then on has the new format.
 */
public final class StoredTokenState {
    /** The first byte of a state in this format; the registry framing starts with 0. */
    static final byte FORMAT = 1;
    private static final EnumIndex<TokenStatus> STATUSES = EnumIndex.of(TokenStatus.class, TokenStatus.getClassSchema());

    private StoredTokenState() {
    }

    /** The serde; {@code registryFramed} reads states written before this format. */
    public static Serde<TokenState> serde(Serde<TokenState> registryFramed) {
        Deserializer<TokenState> legacy = registryFramed.deserializer();
        Serializer<TokenState> serializer = (topic, state) -> state == null ? null : write(state);
        Deserializer<TokenState> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            return bytes.length > 0 && bytes[0] == FORMAT ? read(bytes) : legacy.deserialize(topic, bytes);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static byte[] write(TokenState s) {
        ByteSink out = new ByteSink(320);
        out.write(FORMAT);
        try {
            long base = s.getFirstEventAt().toEpochMilli();
            out.writeLong(base);
            out.writeString(s.getTokenId());
            out.writeString(s.getTenant());
            out.writeLong(STATUSES.indexOf(s.getStatus()));
            out.writeOptionalString(s.getOwner());
            out.writeOptionalString(s.getPrincipal());
            out.writeOptionalString(s.getServiceVersion());
            out.writeOptionalString(s.getIssuer());
            time(out, s.getIssuedAt(), base);
            time(out, s.getExpiresAt(), base);
            time(out, s.getExpirySetAt(), base);
            strings(out, s.getScopes());
            time(out, s.getScopesGrantedAt(), base);
            if (s.getPreviousScopes() == null) {
                out.writeLong(0);
            } else {
                out.writeLong(1);
                strings(out, s.getPreviousScopes());
            }
            out.writeOptionalString(s.getReplacesTokenId());
            time(out, s.getCompromisedAt(), base);
            time(out, s.getExposedAt(), base);
            time(out, s.getRevokedAt(), base);
            time(out, s.getExpiredAt(), base);
            out.writeLong(0); // firstEventAt, the base itself
            out.writeLong(s.getLastEventAt().toEpochMilli() - base);
            out.writeOptionalString(s.getLastEventType());
            strings(out, s.getRecentEventIds());
            TokenActivity a = s.getActivity();
            if (a == null) {
                out.writeLong(0);
            } else {
                out.writeLong(1);
                activity(out, a, base);
            }
        } catch (RuntimeException e) {
            throw new SerializationException("Cannot write the state of token " + s.getTokenId(), e);
        }
        return out.toByteArray();
    }

    private static void activity(ByteSink out, TokenActivity a, long base) {
        optionalLong(out, a.getKnownAt(), base);
        optionalLong(out, a.getDiscoveredAt(), base);
        optionalLong(out, a.getFirstUseAt(), base);
        optionalLong(out, a.getLastUseAt(), base);
        optionalLong(out, a.getLastAllowedUseAt(), base);
        optionalLong(out, a.getFirstAllowedUseAt(), base);
        longMap(out, a.getScopeLastUse(), base);
        longMap(out, a.getScopeGrantedAt(), base);
        longs(out, a.getSourceNetworks(), 0);
        longs(out, a.getUserAgents(), 0);
        optionalLong(out, a.getSpikeFirstWindow(), base);
        optionalLong(out, a.getSpikeWindow(), base);
        out.writeLong(a.getSpikeWindowCount());
        out.writeLong(a.getSpikeCountBefore());
        optionalLong(out, a.getSpikeAlertedWindow(), base);
        longs(out, a.getProbeTimes(), base);
        List<Integer> counts = a.getProbeCounts();
        arrayStart(out, counts.size());
        for (Integer c : counts) {
            out.writeLong(c);
        }
        out.writeLong(0);
        strings(out, a.getProbeScopes());
        out.writeLong(a.getPendingUnknownUses());
        optionalLong(out, a.getPendingUnknownFirstAt(), base);
        out.writeOptionalString(a.getReplacedBy());
        optionalLong(out, a.getReplacedAt(), base);
        optionalLong(out, a.getReplacementFirstUsedAt(), base);
        out.writeOptionalString(a.getBoundVersionKey());
        optionalLong(out, a.getRetiredVersionAt(), base);
        optionalLong(out, a.getDetectedAt(), base);
        longs(out, a.getSignalTimes(), base);
        out.writeLong(a.getAttemptsAfterRevocation());
        longMap(out, a.getOpenConditions(), base);
        longMap(out, a.getLastAlertAt(), base);
        longMap(out, a.getFoldedSince(), 0);
        optionalLong(out, a.getScheduledDue(), base);
        optionalLong(out, a.getEvaluatedAt(), base);
        out.writeLong(a.getPostureFlags());
        out.writeOptionalString(a.getPostureOwner());
        out.write(a.getLifespanCounted() ? 1 : 0);
        optionalLong(out, a.getIncidentDigest(), 0);
        out.writeLong(a.getIncidentFacts());
        longMap(out, a.getVersionEventAt(), base);
        longMap(out, a.getVersionRetiredSince(), base);
    }

    static TokenState read(byte[] bytes) {
        try {
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
            long base = in.readLong();
            TokenState s = new TokenState();
            s.setTokenId(in.readString());
            s.setTenant(in.readString());
            s.setStatus(STATUSES.at(in.readEnum()));
            s.setOwner(optional(in));
            s.setPrincipal(optional(in));
            s.setServiceVersion(optional(in));
            s.setIssuer(optional(in));
            s.setIssuedAt(instant(in, base));
            s.setExpiresAt(instant(in, base));
            s.setExpirySetAt(instant(in, base));
            s.setScopes(strings(in));
            s.setScopesGrantedAt(instant(in, base));
            s.setPreviousScopes(branch(in) ? strings(in) : null);
            s.setReplacesTokenId(optional(in));
            s.setCompromisedAt(instant(in, base));
            s.setExposedAt(instant(in, base));
            s.setRevokedAt(instant(in, base));
            s.setExpiredAt(instant(in, base));
            s.setFirstEventAt(Instant.ofEpochMilli(in.readLong() + base));
            s.setLastEventAt(Instant.ofEpochMilli(in.readLong() + base));
            s.setLastEventType(optional(in));
            s.setRecentEventIds(strings(in));
            s.setActivity(branch(in) ? activity(in, base) : null);
            if (!in.isEnd()) {
                throw new IOException("bytes left over after the state");
            }
            return s;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read a stored token state", e);
        }
    }

    private static TokenActivity activity(BinaryDecoder in, long base) throws IOException {
        TokenActivity a = new TokenActivity();
        a.setKnownAt(optionalLong(in, base));
        a.setDiscoveredAt(optionalLong(in, base));
        a.setFirstUseAt(optionalLong(in, base));
        a.setLastUseAt(optionalLong(in, base));
        a.setLastAllowedUseAt(optionalLong(in, base));
        a.setFirstAllowedUseAt(optionalLong(in, base));
        a.setScopeLastUse(longMap(in, base));
        a.setScopeGrantedAt(longMap(in, base));
        a.setSourceNetworks(longs(in, 0));
        a.setUserAgents(longs(in, 0));
        a.setSpikeFirstWindow(optionalLong(in, base));
        a.setSpikeWindow(optionalLong(in, base));
        a.setSpikeWindowCount(in.readLong());
        a.setSpikeCountBefore(in.readLong());
        a.setSpikeAlertedWindow(optionalLong(in, base));
        a.setProbeTimes(longs(in, base));
        List<Integer> counts = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                counts.add(in.readInt());
            }
        }
        a.setProbeCounts(counts);
        a.setProbeScopes(strings(in));
        a.setPendingUnknownUses(in.readLong());
        a.setPendingUnknownFirstAt(optionalLong(in, base));
        a.setReplacedBy(optional(in));
        a.setReplacedAt(optionalLong(in, base));
        a.setReplacementFirstUsedAt(optionalLong(in, base));
        a.setBoundVersionKey(optional(in));
        a.setRetiredVersionAt(optionalLong(in, base));
        a.setDetectedAt(optionalLong(in, base));
        a.setSignalTimes(longs(in, base));
        a.setAttemptsAfterRevocation(in.readLong());
        a.setOpenConditions(longMap(in, base));
        a.setLastAlertAt(longMap(in, base));
        a.setFoldedSince(longMap(in, 0));
        a.setScheduledDue(optionalLong(in, base));
        a.setEvaluatedAt(optionalLong(in, base));
        a.setPostureFlags(in.readInt());
        a.setPostureOwner(optional(in));
        a.setLifespanCounted(in.readBoolean());
        a.setIncidentDigest(optionalLong(in, 0));
        a.setIncidentFacts(in.readInt());
        a.setVersionEventAt(longMap(in, base));
        a.setVersionRetiredSince(longMap(in, base));
        return a;
    }

    /** A {@code ["null", timestamp-millis]} union, the time relative to {@code base}. */
    private static void time(ByteSink out, Instant v, long base) {
        if (v == null) {
            out.writeLong(0);
        } else {
            out.writeLong(1);
            out.writeLong(v.toEpochMilli() - base);
        }
    }

    /** A {@code ["null", "long"]} union, less {@code base}: an event time's base, or 0 for a value that is not a time. */
    private static void optionalLong(ByteSink out, Long v, long base) {
        if (v == null) {
            out.writeLong(0);
        } else {
            out.writeLong(1);
            out.writeLong(v - base);
        }
    }

    /** An array or a map of {@code n} items starts with their count, unless there are none. */
    private static void arrayStart(ByteSink out, int n) {
        if (n > 0) {
            out.writeLong(n);
        }
    }

    private static void strings(ByteSink out, List<String> v) {
        arrayStart(out, v.size());
        for (String s : v) {
            out.writeString(s);
        }
        out.writeLong(0);
    }

    /** An array of longs, each less {@code base} (0 for values that are not times). */
    private static void longs(ByteSink out, List<Long> v, long base) {
        arrayStart(out, v.size());
        for (Long l : v) {
            out.writeLong(l - base);
        }
        out.writeLong(0);
    }

    /** A map of longs, each less {@code base} (0 for values that are not times). */
    private static void longMap(ByteSink out, Map<String, Long> v, long base) {
        arrayStart(out, v.size());
        for (Map.Entry<String, Long> e : v.entrySet()) {
            out.writeString(e.getKey());
            out.writeLong(e.getValue() - base);
        }
        out.writeLong(0);
    }

    /** A union's branch: false for null, true for the value. */
    private static boolean branch(BinaryDecoder in) throws IOException {
        int b = in.readIndex();
        if (b != 0 && b != 1) {
            throw new IOException("union branch " + b + " where only null (0) and a value (1) are written");
        }
        return b == 1;
    }

    private static String optional(BinaryDecoder in) throws IOException {
        return branch(in) ? in.readString() : null;
    }

    private static Instant instant(BinaryDecoder in, long base) throws IOException {
        return branch(in) ? Instant.ofEpochMilli(in.readLong() + base) : null;
    }

    private static Long optionalLong(BinaryDecoder in, long base) throws IOException {
        return branch(in) ? in.readLong() + base : null;
    }

    private static List<String> strings(BinaryDecoder in) throws IOException {
        List<String> out = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                out.add(in.readString());
            }
        }
        return out;
    }

    private static List<Long> longs(BinaryDecoder in, long base) throws IOException {
        List<Long> out = new ArrayList<>();
        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
            for (long i = 0; i < n; i++) {
                out.add(in.readLong() + base);
            }
        }
        return out;
    }

    private static Map<String, Long> longMap(BinaryDecoder in, long base) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
            for (long i = 0; i < n; i++) {
                String key = in.readString();
                out.put(key, in.readLong() + base);
            }
        }
        return out;
    }
}
