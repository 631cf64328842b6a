package io.tokenpulse.producers.adapters;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real third-party data beside the clone: {@code ../shared/datasets} relative to the repository root (CI checks
 * {@code shared/} out next to the project). Never copied into the repository; tests skip with a reason when absent.
 */
public final class SharedDatasets {
    private SharedDatasets() {
    }

    /** The dataset's folder, or the test is skipped (not failed) with a message saying where it was looked for. */
    public static Path require(String name) {
        // Surefire runs a module's tests in the module's folder; the repository root is its parent.
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path root = Files.exists(module.resolve("producers")) ? module : module.getParent();
        Path dir = root.resolve("../shared/datasets").resolve(name).normalize();
        assumeTrue(Files.isDirectory(dir), () -> "skipped: the shared dataset " + name + " is not at " + dir
                + " (check out shared/ beside the repository to run this test)");
        return dir;
    }
}
