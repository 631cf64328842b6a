package io.tokenpulse.app.time;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A gzipped golden file of output lines: written from {@code actual} when the build runs with
 * {@code -Dgolden.update=true} (on the code to compare against), read back otherwise.
 */
final class GoldenFile {
    private GoldenFile() {
    }

    static List<String> expected(Path golden, List<String> actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            try (var out = new GZIPOutputStream(Files.newOutputStream(golden))) {
                out.write((String.join("\n", actual) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        assertTrue(Files.exists(golden), "no golden file: run with -Dgolden.update=true on the code to compare against");
        try (var in = new GZIPInputStream(Files.newInputStream(golden))) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }
}
