package io.tokenpulse.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's schema gate, on the real contract and on deliberately broken copies of it. */
class CompatibilityGateTest {
    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path RELEASED = Path.of("released");

    @TempDir
    Path dir;

    @Test
    void theContractAsItStandsPassesAgainstItsReleases() throws IOException {
        assertEquals(List.of(), CompatibilityGate.check(CURRENT, RELEASED));
    }

    @Test
    void release110ReadsEverythingRelease100Wrote() throws IOException {
        // 1.1.0 added TokenPolicy.effectiveFrom and ephemeralLifetimeMs (optional, with defaults): the gate, run as if
        // 1.1.0 were the current contract and 1.0.0 the only release, finds nothing.
        Path onlyFirst = dir.resolve("released-1.0.0");
        Files.createDirectories(onlyFirst.resolve("1.0.0"));
        try (var files = Files.list(RELEASED.resolve("1.0.0"))) {
            for (Path f : files.toList()) {
                Files.copy(f, onlyFirst.resolve("1.0.0").resolve(f.getFileName()));
            }
        }
        assertEquals(List.of(), CompatibilityGate.check(RELEASED.resolve("1.1.0"), onlyFirst));
        assertTrue(Files.readString(RELEASED.resolve("1.1.0").resolve("TokenPolicy.avsc")).contains("effectiveFrom"));
    }

    @Test
    void aNewFieldWithoutDefaultIsRejected() throws IOException {
        Path current = copyContract();
        edit(current.resolve("TokenUsageEvent.avsc"), "{\"name\": \"count\", \"type\": \"int\", \"default\": 1}",
                "{\"name\": \"count\", \"type\": \"int\", \"default\": 1},\n    {\"name\": \"datacenter\", \"type\": \"string\"}");

        List<CompatibilityGate.Violation> violations = CompatibilityGate.check(current, RELEASED);

        assertEquals(1, violations.size(), violations.toString());
        assertEquals("io.tokenpulse.avro.TokenUsageEvent", violations.get(0).schemaName());
        assertEquals("1.1.0", violations.get(0).releasedVersion(), "compared with the newest release");
        assertTrue(violations.get(0).reason().contains("datacenter"), violations.get(0).reason());
    }

    @Test
    void aRetypedFieldAndARemovedEnumSymbolAreRejectedAndTheBuildStops() throws IOException {
        Path current = copyContract();
        edit(current.resolve("TokenUsageEvent.avsc"), "{\"name\": \"count\", \"type\": \"int\", \"default\": 1}",
                "{\"name\": \"count\", \"type\": \"string\", \"default\": \"1\"}");
        edit(current.resolve("TokenLifecycleEvent.avsc"), "\"EXPIRED\", \"COMPROMISED\"", "\"EXPIRED\"");

        List<CompatibilityGate.Violation> violations = CompatibilityGate.check(current, RELEASED);

        assertEquals(2, violations.size(), violations.toString());
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> CompatibilityGate.main(new String[] {current.toString(), RELEASED.toString()}));
        assertTrue(failure.getMessage().contains("TokenUsageEvent"), failure.getMessage());
        assertTrue(failure.getMessage().contains("TokenLifecycleEvent"), failure.getMessage());
    }

    @Test
    void addingAnOptionalFieldIsAccepted() throws IOException {
        Path current = copyContract();
        edit(current.resolve("TokenUsageEvent.avsc"), "{\"name\": \"count\", \"type\": \"int\", \"default\": 1}",
                "{\"name\": \"count\", \"type\": \"int\", \"default\": 1},\n    {\"name\": \"datacenter\", \"type\": [\"null\", \"string\"], \"default\": null}");

        assertEquals(List.of(), CompatibilityGate.check(current, RELEASED));
    }

    @Test
    void theNewestReleaseIsTheOneThatCounts() throws IOException {
        Path releases = dir.resolve("released");
        Path old = Files.createDirectories(releases.resolve("1.2.0"));
        Path newest = Files.createDirectories(releases.resolve("1.10.0"));
        Files.writeString(old.resolve("R.avsc"), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        Files.writeString(newest.resolve("R.avsc"), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}");
        Path current = Files.createDirectories(dir.resolve("current"));
        Files.writeString(current.resolve("R.avsc"), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}");

        // long reads long (1.10.0, newest by version, not by name); it would also read int, but the point is the order
        assertEquals(List.of(), CompatibilityGate.check(current, releases));
        Files.writeString(current.resolve("R.avsc"), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        List<CompatibilityGate.Violation> violations = CompatibilityGate.check(current, releases);
        assertEquals(1, violations.size());
        assertEquals("1.10.0", violations.get(0).releasedVersion());
    }

    private Path copyContract() throws IOException {
        Path current = Files.createDirectories(dir.resolve("current"));
        try (var files = Files.list(CURRENT)) {
            for (Path f : files.toList()) {
                Files.copy(f, current.resolve(f.getFileName()));
            }
        }
        return current;
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " does not contain " + from);
        }
        Files.writeString(file, text.replace(from, to));
    }
}
