package io.tokenpulse.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.AvroRuntimeException;

/**
 * The build's schema gate: every record schema under the current directory must be BACKWARD
 * compatible with its last released version, i.e. a reader on the new schema must read data written
 * with the released one. Released versions live in {@code released/<semver>/*.avsc}; a record that
 * appears in no release is new and passes. Uses Avro's own {@link SchemaCompatibility}.
 */
public final class CompatibilityGate {

    /** One schema that breaks readers of older data, with Avro's explanation. */
    public record Violation(String schemaName, String releasedVersion, String reason) {
        @Override
        public String toString() {
            return schemaName + " is not BACKWARD compatible with released " + releasedVersion + ": " + reason;
        }
    }

    private CompatibilityGate() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CompatibilityGate <current-schema-dir> <released-dir>");
        }
        List<Violation> violations = check(Path.of(args[0]), Path.of(args[1]));
        if (!violations.isEmpty()) {
            StringBuilder message = new StringBuilder("Schema compatibility gate failed:");
            violations.forEach(v -> message.append(System.lineSeparator()).append("  ").append(v));
            message.append(System.lineSeparator())
                    .append("  Make the change BACKWARD compatible (add fields with defaults, never remove or retype one), ")
                    .append("or release a new major contract on purpose.");
            // Thrown, not System.exit: exec:java turns it into a build failure with this message.
            throw new IllegalStateException(message.toString());
        }
        System.out.println("[schema-gate] all schemas are BACKWARD compatible with their last released version");
    }

    /** Compares each current record with the newest released version that defines it. */
    public static List<Violation> check(Path currentDir, Path releasedDir) throws IOException {
        Map<String, Schema> current = parseDirectory(currentDir);
        List<Path> releases = releases(releasedDir);
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, Schema> entry : current.entrySet()) {
            String name = entry.getKey();
            for (Path release : releases) {
                Optional<Schema> released = Optional.ofNullable(parseDirectory(release).get(name));
                if (released.isEmpty()) {
                    continue;
                }
                SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(entry.getValue(), released.get());
                if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    violations.add(new Violation(name, release.getFileName().toString(), describe(result)));
                }
                break; // only the last release that has this record counts
            }
        }
        return violations;
    }

    private static String describe(SchemaPairCompatibility result) {
        StringBuilder reasons = new StringBuilder();
        result.getResult().getIncompatibilities().forEach(i -> {
            if (reasons.length() > 0) {
                reasons.append("; ");
            }
            reasons.append(i.getType()).append(" at ").append(i.getLocation()).append(" (").append(i.getMessage()).append(')');
        });
        return reasons.length() == 0 ? result.getDescription() : reasons.toString();
    }

    /** Release directories, newest first by semantic version. */
    static List<Path> releases(Path releasedDir) throws IOException {
        if (!Files.isDirectory(releasedDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(releasedDir)) {
            return dirs.filter(Files::isDirectory)
                    .sorted(Comparator.comparing((Path p) -> versionKey(p.getFileName().toString())).reversed())
                    .toList();
        }
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("[.-]", -1)) {
            key.append(String.format("%10s", part)).append('.');
        }
        return key.toString();
    }

    /**
     * Parses every .avsc of a directory into top-level record name -> schema. Files may refer to types
     * defined in other files of the same directory, so files that fail on an undefined name are retried
     * once the others are known.
     */
    public static Map<String, Schema> parseDirectory(Path dir) throws IOException {
        List<Path> pending;
        try (Stream<Path> files = Files.list(dir)) {
            pending = files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
        }
        Map<String, Schema> known = new LinkedHashMap<>();
        Map<String, Schema> byFile = new LinkedHashMap<>();
        while (!pending.isEmpty()) {
            List<Path> retry = new ArrayList<>();
            AvroRuntimeException lastError = null;
            for (Path file : pending) {
                Schema.Parser parser = new Schema.Parser();
                parser.addTypes(known.values());
                try {
                    Schema schema = parser.parse(file.toFile());
                    byFile.put(schema.getFullName(), schema);
                    known.putAll(parser.getTypes());
                } catch (AvroRuntimeException e) {
                    lastError = e;
                    retry.add(file);
                }
            }
            if (retry.size() == pending.size()) {
                throw new IOException("cannot parse schemas in " + dir + ": " + retry + ": " + lastError.getMessage(), lastError);
            }
            pending = retry;
        }
        return byFile;
    }
}
