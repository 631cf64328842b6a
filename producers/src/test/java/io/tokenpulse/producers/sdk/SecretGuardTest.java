package io.tokenpulse.producers.sdk;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SecretGuardTest {
    // Fake but well-formed secrets, assembled so no scanner flags this file as a leak.
    private static final String GHP = "ghp_" + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4";
    private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    @ParameterizedTest
    @CsvSource({
            "ghp_,GITHUB_TOKEN", "gho_,GITHUB_TOKEN", "ghu_,GITHUB_TOKEN", "ghs_,GITHUB_TOKEN", "ghr_,GITHUB_TOKEN",
            "github_pat_,GITHUB_FINE_GRAINED_PAT",
            "xoxa-,SLACK_TOKEN", "xoxb-,SLACK_TOKEN", "xoxp-,SLACK_TOKEN", "xoxr-,SLACK_TOKEN", "xoxs-,SLACK_TOKEN",
            "glpat-,GITLAB_TOKEN", "sk_live_,STRIPE_SECRET_KEY"})
    void prefixedTokensAreSecrets(String prefix, SecretKind kind) {
        String secret = prefix + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
        assertEquals(Optional.of(kind), SecretGuard.detect(secret));
        assertEquals(Optional.of(kind), SecretGuard.detect("github:" + secret), "wrapped in a longer id");
    }

    @Test
    void awsSecretKeysJwtsAndPemKeysAreSecrets() {
        assertEquals(Optional.of(SecretKind.AWS_SECRET_ACCESS_KEY), SecretGuard.detect(AWS_SECRET));
        assertEquals(40, AWS_SECRET.length());
        assertEquals(Optional.of(SecretKind.AWS_SECRET_ACCESS_KEY), SecretGuard.detect("Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h"));
        assertEquals(Optional.of(SecretKind.JWT), SecretGuard.detect(JWT));
        assertEquals(Optional.of(SecretKind.JWT), SecretGuard.detect("Bearer " + JWT));
        assertEquals(Optional.of(SecretKind.PEM_PRIVATE_KEY), SecretGuard.detect("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."));
        assertEquals(Optional.of(SecretKind.PEM_PRIVATE_KEY), SecretGuard.detect("-----BEGIN PRIVATE KEY-----"));
        assertEquals(Optional.of(SecretKind.PEM_PRIVATE_KEY), SecretGuard.detect("-----BEGIN OPENSSH PRIVATE KEY-----"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "AKIAIOSFODNN7EXAMPLE",                          // AWS access key id: public by design
            "ASIAY34FZKBOKMUTVV7A",                          // AWS temporary access key id
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",      // SHA-1 hex: 40 chars, but a hash is a public id
            "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // SHA-256 hex
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",          // UUID
            "hvs.CAESIJlWh-accessor",                        // Vault-style accessor
            "tok-123", "github-app-installation-42", "task-xoxb", "myghp_thing", "eyJ-not-a-jwt",
            "fp_3b5d5c3712955042212316173ccf37be800d1b6c3d2f6e1c0b2a2b1a9f8e7d6c",
            "-----BEGIN PUBLIC KEY-----"})
    void publicIdsPass(String id) {
        assertFalse(SecretGuard.looksLikeSecret(id), id);
        assertDoesNotThrow(() -> SecretGuard.requirePublicId("tokenId", id));
    }

    @Test
    void nullPasses() {
        assertDoesNotThrow(() -> SecretGuard.requirePublicId("replacesTokenId", null));
        assertFalse(SecretGuard.looksLikeSecret(null));
    }

    @Test
    void theErrorNamesFieldAndKindButNeverEchoesTheSecret() {
        SecretRejectedException e = assertThrows(SecretRejectedException.class, () -> SecretGuard.requirePublicId("tokenId", GHP));
        assertTrue(e.getMessage().startsWith("tokenId looks like a GitHub token (ghp_****)"), e.getMessage());
        assertEquals("tokenId", e.field());
        assertEquals(SecretKind.GITHUB_TOKEN, e.kind());
        assertNoPartOf(GHP.substring(4), e.getMessage());

        e = assertThrows(SecretRejectedException.class, () -> SecretGuard.requirePublicId("tokenId", AWS_SECRET));
        assertTrue(e.getMessage().contains("AWS secret access key"), e.getMessage());
        assertNoPartOf(AWS_SECRET, e.getMessage());

        e = assertThrows(SecretRejectedException.class, () -> SecretGuard.requirePublicId("key", JWT));
        assertTrue(e.getMessage().contains("(eyJ****)"), e.getMessage());
        assertNoPartOf(JWT.substring(3), e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws_secret_access_key=", "AWS_SECRET_ACCESS_KEY=", "secret:", "export AWS_SECRET_ACCESS_KEY=\"", ""})
    void anAwsSecretKeyIsFoundHoweverItIsWrapped(String prefix) {
        // The key=value form is how these keys leak (credentials files, env dumps): '=' is padding, not part of the key.
        String value = prefix + AWS_SECRET;
        assertEquals(Optional.of(SecretKind.AWS_SECRET_ACCESS_KEY), SecretGuard.detect(value), value);
        SecretRejectedException e = assertThrows(SecretRejectedException.class, () -> SecretGuard.requirePublicId("tokenId", value));
        assertNoPartOf(AWS_SECRET, e.getMessage());
    }

    @Test
    void aFortyCharacterRunInsideLongerBase64IsNotAKey() {
        // 41+ base64 characters (padding included) are some other blob, not a 40-char AWS secret key.
        assertFalse(SecretGuard.looksLikeSecret("tok-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h" + "Q"));
        assertFalse(SecretGuard.looksLikeSecret("Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hQ" + "=="));
        assertFalse(SecretGuard.looksLikeSecret("abcdefghijabcdefghijabcdefghijabcdefghij"), "single case, no digits: an identifier");
    }

    /** secret, kind, what the message may show, the public entropy-free prefix of the secret (assembled, as above). */
    static Stream<Arguments> everyKind() {
        return Stream.of(
                Arguments.of(GHP, SecretKind.GITHUB_TOKEN, "(ghp_****)", "ghp_"),
                Arguments.of("github_pat_" + "11ABCDEFG0x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2iJ4", SecretKind.GITHUB_FINE_GRAINED_PAT,
                        "(github_pat_****)", "github_pat_"),
                Arguments.of("xoxb-" + "2462781-9823745-Zx8Qw3Er6Ty9Ui", SecretKind.SLACK_TOKEN, "(xoxb-****)", "xoxb-"),
                Arguments.of(AWS_SECRET, SecretKind.AWS_SECRET_ACCESS_KEY, "(****(40 chars))", ""),
                Arguments.of(JWT, SecretKind.JWT, "(eyJ****)", "eyJ"),
                Arguments.of("-----BEGIN EC PRIVATE KEY-----" + "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oZHtVcaPaZbS",
                        SecretKind.PEM_PRIVATE_KEY, "(-----BEGIN ... PRIVATE KEY-----)", "-----BEGIN EC PRIVATE KEY-----"));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyKindIsRefusedWithOnlyItsFormatPrefixShown(String secret, SecretKind kind, String shown, String publicPrefix) {
        SecretRejectedException e = assertThrows(SecretRejectedException.class, () -> SecretGuard.requirePublicId("tokenId", secret));

        assertEquals(kind, e.kind());
        assertEquals("tokenId", e.field());
        assertTrue(e.getMessage().startsWith("tokenId looks like a " + kind.description() + " " + shown), e.getMessage());
        assertTrue(secret.startsWith(publicPrefix));
        assertNoPartOf(secret.substring(publicPrefix.length()), e.getMessage());
    }

    /** No 6-character window of the secret appears in the message. */
    private static void assertNoPartOf(String secret, String message) {
        for (int i = 0; i + 6 <= secret.length(); i++) {
            String part = secret.substring(i, i + 6);
            assertFalse(message.contains(part), () -> "message shows '" + part + "': " + message);
        }
    }

    @Test
    void vaultTokensAreSecretsAndTheirAccessorsAreNot() {
        String body = "CAESIJlWhB2nG7Zk" + "q0eMp4RfT8xYcVb3LdNu6A";
        for (String prefix : new String[] {"hvs.", "hvb.", "hvr."}) {
            assertEquals(Optional.of(SecretKind.VAULT_TOKEN), SecretGuard.detect(prefix + body), prefix);
            assertEquals(Optional.of(SecretKind.VAULT_TOKEN), SecretGuard.detect("X-Vault-Token: " + prefix + body), prefix);
        }
        String legacy = "Qm9vBnKx7Lr2TzWc8YdHe4Jp"; // 24 base62 characters
        assertEquals(Optional.of(SecretKind.VAULT_TOKEN), SecretGuard.detect("s." + legacy));
        assertEquals(Optional.of(SecretKind.VAULT_TOKEN), SecretGuard.detect("b." + legacy));
        assertEquals(Optional.empty(), SecretGuard.detect(legacy), "a pre-1.10 accessor: 24 characters, no prefix");
        assertEquals(Optional.empty(), SecretGuard.detect("hmac-sha256:388e42635b05b9538e57705b2bf1a41bb00e25c4585a08b17a1ff710d42dc625"));
        assertEquals(Optional.empty(), SecretGuard.detect("svc.s." + legacy.substring(0, 10)), "a dotted name is not a token");
    }

    @Test
    void redactAllKeepsTheTextAndHidesEverySecretInIt() {
        String text = "token " + GHP + " and key " + AWS_SECRET + " and hvs." + "CAESIJlWhB2nG7Zkq0eMp4RfT8xYcVb3LdNu6A end";
        assertEquals("token ghp_**** and key ****(40 chars) and hvs.**** end", SecretGuard.redactAll(text));
        assertEquals("nothing secret here", SecretGuard.redactAll("nothing secret here"));
    }
}
