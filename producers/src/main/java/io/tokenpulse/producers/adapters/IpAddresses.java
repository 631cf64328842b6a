package io.tokenpulse.producers.adapters;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Whether a string is an IP address literal. Logs put other things where an address belongs: CloudTrail writes
 * the calling service's name ({@code s3.amazonaws.com}, {@code AWS Internal}) for calls AWS makes on your behalf,
 * and proxies write {@code unknown}. NEW_SOURCE groups sources by network, so only real addresses may pass.
 */
final class IpAddresses {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    // Starts with a hex digit or ':', holds a ':', and only hex digits, colons and dots (an embedded IPv4 tail)
    // follow. Zones (%eth0) are refused: they name a local interface, which says nothing about the caller.
    private static final Pattern IPV6_CHARS = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private IpAddresses() {
    }

    static boolean isLiteral(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return false;
        }
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (!IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // Safe from DNS: a string that starts with a hex digit or ':' and holds a ':' is parsed as an IPv6
            // literal and refused with UnknownHostException when it is not one; it is never looked up.
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
