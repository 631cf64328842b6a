package io.tokenpulse.cli;

import java.nio.file.Path;

/** Where the local stack keeps everything: {@code -Dtokenpulse.home} (the launcher sets it), else ./.tokenpulse. */
final class Home {
    private Home() {
    }

    static Path dir() {
        String configured = System.getProperty("tokenpulse.home");
        return Path.of(configured == null || configured.isBlank() ? ".tokenpulse" : configured).toAbsolutePath().normalize();
    }

    static Path stackFile() {
        return dir().resolve("stack.properties");
    }
}
