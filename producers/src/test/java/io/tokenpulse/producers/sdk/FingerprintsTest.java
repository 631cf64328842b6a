package io.tokenpulse.producers.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
    private static final String SECRET = "ghp_" + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4";

    @Test
    void stableAndKnownAnswer() {
        // RFC 4231 test case 2: HMAC-SHA-256(key "Jefe", "what do ya want for nothing?").
        assertEquals("fp_5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                Fingerprints.hmacSha256("Jefe", "what do ya want for nothing?"));
        assertEquals(Fingerprints.hmacSha256("k", SECRET), Fingerprints.hmacSha256("k".getBytes(StandardCharsets.UTF_8), SECRET));
    }

    @Test
    void dependsOnKeyAndSecretAndIsAPublicId() {
        String fp = Fingerprints.hmacSha256("org-key", SECRET);
        assertTrue(fp.matches("fp_[0-9a-f]{64}"), fp);
        assertNotEquals(fp, Fingerprints.hmacSha256("other-key", SECRET));
        assertNotEquals(fp, Fingerprints.hmacSha256("org-key", SECRET + "x"));
        assertFalse(fp.contains(SECRET));
        assertFalse(SecretGuard.looksLikeSecret(fp));
    }

    @Test
    void refusesAnEmptyKey() {
        assertThrows(IllegalArgumentException.class, () -> Fingerprints.hmacSha256(new byte[0], SECRET));
        assertThrows(NullPointerException.class, () -> Fingerprints.hmacSha256("k", null));
    }
}
