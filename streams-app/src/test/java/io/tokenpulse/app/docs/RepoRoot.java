package io.tokenpulse.app.docs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, found from the test's working directory (a module directory under Maven). */
final class RepoRoot {
    private RepoRoot() {
    }

    static Path find() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("docs"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (a folder with mvnw and docs/) above " + Path.of("").toAbsolutePath());
    }
}
