package io.tokenpulse.app.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quick dotted-quad path answers as InetAddress does; a dotted quad it refuses is no address and never reaches DNS. */
class SourceNetworksTest {

    @Test
    void theQuickPathAgreesWithTheGeneralOne() {
        Random random = new Random(7);
        List<String> ips = new ArrayList<>(List.of("0.0.0.0", "255.255.255.255", "10.1.2.3", "192.168.0.1", "1.2.3.4"));
        for (int i = 0; i < 10_000; i++) {
            ips.add(random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
        }
        for (String ip : ips) {
            assertEquals(SourceNetworks.inetNetworkOf(ip), Optional.ofNullable(SourceNetworks.plainIpv4Network(ip)), ip);
            assertEquals(SourceNetworks.inetNetworkOf(ip), SourceNetworks.networkOf(ip), ip);
            for (int twice = 0; twice < 2; twice++) { // computed, then remembered
                SourceNetworks.Network n = SourceNetworks.networkWithHash(ip);
                assertEquals(SourceNetworks.networkOf(ip).orElseThrow(), n.name(), ip);
                assertEquals(SourceNetworks.hash(n.name()), n.hash(), ip);
            }
        }
        for (String bad : java.util.Arrays.asList(null, "", "256.1.1.1", "not-an-ip")) {
            assertNull(SourceNetworks.networkWithHash(bad), String.valueOf(bad));
        }
    }

    @Test
    void anythingButAPlainDottedQuadIsLeftToTheGeneralPath() {
        for (String ip : List.of("010.1.1.1", "1.2.3.04", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.",
                "1234.1.1.1", "a.b.c.d", "::1", "2001:db8::1", "1.2.3.4 ", "+1.2.3.4", "")) {
            assertNull(SourceNetworks.plainIpv4Network(ip), ip);
        }
        assertEquals(Optional.of("2001:db8:0:1::/64"), SourceNetworks.networkOf("2001:db8:0:1::7"));
        assertEquals(Optional.of("10.1.2.0/24"), SourceNetworks.networkOf(" 10.1.2.3 "));
        assertEquals(Optional.empty(), SourceNetworks.networkOf("not-an-ip"));
        assertEquals(Optional.empty(), SourceNetworks.networkOf("256.1.1.1"), "over 255: no address, no DNS lookup");
        assertEquals(Optional.empty(), SourceNetworks.networkOf("010.1.1.1"), "ambiguous leading zero");
    }

    /** The hash is FNV-1a 64 of the UTF-8 bytes, as stored states hold it: pinned values, ASCII or not. */
    @Test
    void theHashIsFnv1aOfTheUtf8Bytes() {
        assertEquals(0xcbf29ce484222325L, SourceNetworks.hash(""));
        assertEquals(0xaf63dc4c8601ec8cL, SourceNetworks.hash("a"));
        assertEquals(0x85944171f73967e8L, SourceNetworks.hash("foobar"));
        for (String s : List.of("10.0.2.0/24", "svc/1.0", "caf\u00e9/2", "\u6f22\u5b57", "agent \ud83d\ude00")) {
            long h = 0xcbf29ce484222325L;
            for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
            assertEquals(h, SourceNetworks.hash(s), s);
        }
    }
}
