package io.tokenpulse.app.detect;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns a source IP into the network NEW_SOURCE compares (IPv4 /24, IPv6 /64) and hashes sources to
 * 64 bits, so a token's known sources are a bounded array of longs, never the raw strings.
 */
public final class SourceNetworks {
    // Literal addresses only: InetAddress would otherwise resolve host names through DNS.
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^[0-9A-Fa-f:.]+$");

    /** Networks of the sources seen lately, by source IP: most uses come from a few addresses. Bounded by clearing. */
    private static final int KNOWN_MAX = 16_384;
    private static final Map<String, Network> KNOWN = new ConcurrentHashMap<>();

    /** A source's network and its hash. */
    public record Network(String name, long hash) {
    }

    private SourceNetworks() {
    }

    /**
     * {@link #networkOf} with its {@link #hash}, remembered per address (the /24 string and its hash were 3% of a
     * backlog's judging); null for a missing or malformed address.
     */
    public static Network networkWithHash(String ip) {
        if (ip == null) {
            return null;
        }
        Network known = KNOWN.get(ip);
        if (known != null) {
            return known;
        }
        Network n = networkOf(ip).map(name -> new Network(name, hash(name))).orElse(null);
        if (n != null) {
            if (KNOWN.size() >= KNOWN_MAX) {
                KNOWN.clear();
            }
            KNOWN.put(ip, n);
        }
        return n;
    }

    /** "10.1.2.0/24" or "2001:db8:0:1::/64"; empty for a missing or malformed address. */
    public static Optional<String> networkOf(String ip) {
        if (ip == null || ip.isBlank()) {
            return Optional.empty();
        }
        String s = ip.trim();
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        String plain = plainIpv4Network(s);
        if (plain != null) {
            return Optional.of(plain);
        }
        // A dotted quad with an octet over 255 or a leading zero is no address: InetAddress would take it for a host
        // name and ask DNS.
        if (IPV4.matcher(s).matches() || !s.contains(":") || !IPV6.matcher(s).matches()) {
            return Optional.empty();
        }
        return inetNetworkOf(s);
    }

    /** The network of a literal address, by InetAddress (which parses a literal without DNS). */
    static Optional<String> inetNetworkOf(String s) {
        try {
            byte[] a = InetAddress.getByName(s).getAddress();
            if (a.length == 4) {
                return Optional.of((a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24");
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                b.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
            }
            return Optional.of(b.append(":/64").toString());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The /24 of a dotted quad of decimal octets 0 to 255 without leading zeros, the common case, read without a regular
     * expression or InetAddress (a use judged is a source looked up); null for anything else, which takes the general
     * path above or is no address.
     */
    static String plainIpv4Network(String s) {
        int[] octets = new int[4];
        int n = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i < s.length() && s.charAt(i) != '.') {
                char c = s.charAt(i);
                if (c < '0' || c > '9' || i - start >= 3) {
                    return null;
                }
                continue;
            }
            int len = i - start;
            if (n == 4 || len == 0 || (len > 1 && s.charAt(start) == '0')) {
                return null;
            }
            int v = Integer.parseInt(s, start, i, 10);
            if (v > 255) {
                return null;
            }
            octets[n++] = v;
            start = i + 1;
        }
        return n == 4 ? octets[0] + "." + octets[1] + "." + octets[2] + ".0/24" : null;
    }

    /** FNV-1a 64: stable across JVMs and releases, unlike String.hashCode widened. */
    public static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return utf8Hash(value); // an ASCII string's chars are its UTF-8 bytes: no copy for those
            }
            h ^= c;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long utf8Hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
