package io.tokenpulse.producers.adapters;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The files named on a command line: files as given, directories walked recursively. */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * Every regular file under {@code paths}: a file as it is, a directory recursively, in name order within it (so
     * the result, and the order ties are broken in a merge, does not depend on the file system). Hidden files and
     * folders (a leading dot) inside a directory are left out: {@code .DS_Store}, editor swap files, {@code .git}.
     * Whether a file is gzip is decided later, by its content.
     *
     * @throws NoSuchFileException when a path does not exist
     */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new NoSuchFileException(p.toAbsolutePath().toString(), null, "no such file or directory");
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
                    out.addAll(walk.filter(Files::isRegularFile)
                            .filter(f -> !hidden(p, f))
                            .sorted()
                            .collect(Collectors.toList()));
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean hidden(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
