package io.tokenpulse.cli.stack;

import java.nio.file.Path;

/** Where the local stack keeps everything: {@code -Dtokenpulse.home} (the launcher sets it), else ./.tokenpulse. */
public final class Home {
    private Home() {
    }

    public static Path dir() {
        String configured = System.getProperty("tokenpulse.home");
        return Path.of(configured == null || configured.isBlank() ? ".tokenpulse" : configured).toAbsolutePath().normalize();
    }

    public static Path stackFile() {
        return dir().resolve("stack.properties");
    }
}
