package io.tokenpulse.producers.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenpulse.avro.UsageOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The small pieces the log adapters stand on. */
class AdapterPartsTest {
    @Test
    void cloudTrailErrorCodesMapToOutcomes() {
        assertEquals(UsageOutcome.ALLOWED, AwsOutcomes.of(null));
        assertEquals(UsageOutcome.DENIED_SCOPE, AwsOutcomes.of("AccessDenied"));
        assertEquals(UsageOutcome.DENIED_SCOPE, AwsOutcomes.of("AccessDeniedException"));
        assertEquals(UsageOutcome.DENIED_SCOPE, AwsOutcomes.of("Client.UnauthorizedOperation"));
        assertEquals(UsageOutcome.DENIED_SCOPE, AwsOutcomes.of("KMS.AccessDeniedException"));
        assertEquals(UsageOutcome.DENIED_EXPIRED, AwsOutcomes.of("ExpiredToken"));
        assertEquals(UsageOutcome.DENIED_EXPIRED, AwsOutcomes.of("ExpiredTokenException"));
        assertEquals(UsageOutcome.DENIED_UNKNOWN, AwsOutcomes.of("InvalidClientTokenId"));
        assertEquals(UsageOutcome.DENIED_UNKNOWN, AwsOutcomes.of("InvalidAccessKeyId"));
        assertEquals(UsageOutcome.DENIED_UNKNOWN, AwsOutcomes.of("Client.AuthFailure"));
        assertEquals(UsageOutcome.DENIED_OTHER, AwsOutcomes.of("RequestExpired"), "the request's signature date, not the key");
        assertEquals(UsageOutcome.DENIED_OTHER, AwsOutcomes.of("ThrottlingException"));
    }

    @Test
    void stsExpirationsInEveryShapeCloudTrailWrites() {
        Instant t = Instant.parse("2019-10-02T23:12:29Z");
        assertEquals(t, AwsTimes.parse("Oct 2, 2019 11:12:29 PM"));
        assertEquals(t, AwsTimes.parse("Oct 2, 2019, 11:12:29 PM"));
        assertEquals(t, AwsTimes.parse("Oct 2, 2019, 11:12:29\u202FPM"));
        assertEquals(t, AwsTimes.parse("2019-10-02T23:12:29Z"));
        assertEquals(Instant.parse("2014-07-18T16:07:39Z"), AwsTimes.parse("Jul 18, 2014 4:07:39 PM"));
        assertNull(AwsTimes.parse("tomorrow"));
        assertNull(AwsTimes.parse("2019-10-02T23:12:29"), "no zone: not guessed");
    }

    @Test
    void onlyAddressLiteralsAreAddresses() {
        for (String ok : List.of("192.0.2.1", "10.0.0.255", "2001:db8::1", "::1", "fe80::1ff:fe23:4567:890a", "::ffff:192.0.2.1")) {
            assertTrue(IpAddresses.isLiteral(ok), ok);
        }
        for (String bad : List.of("s3.amazonaws.com", "AWS Internal", "unknown", "256.1.1.1", "1.2.3", "01.2.3.4", "zz::1",
                "fe80::1%eth0", "1:2", "", "192.0.2.1:443")) {
            assertFalse(IpAddresses.isLiteral(bad), bad);
        }
    }

    @Test
    void gzipIsToldByContentAndPlainTextPassesThrough() throws IOException {
        byte[] text = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text);
        }
        try (Reader plain = InputDecoding.reader(new ByteArrayInputStream(text));
             Reader unzipped = InputDecoding.reader(new ByteArrayInputStream(gz.toByteArray()))) {
            assertEquals("{\"a\":1}\n", read(plain));
            assertEquals("{\"a\":1}\n", read(unzipped));
        }
        try (Reader one = InputDecoding.reader(new ByteArrayInputStream(new byte[] {0x1f}))) {
            assertEquals("\u001f", read(one), "a lone first magic byte is just text");
        }
    }

    private static String read(Reader r) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = r.read()) >= 0) {
            b.append((char) c);
        }
        return b.toString();
    }
}
