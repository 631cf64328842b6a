package io.tokenpulse.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which Kafka cluster an instance's local state was built from. Kafka Streams trusts a task's state directory by its
 * checkpoint offsets alone, so state left behind by another cluster (a test cluster rebuilt under the same
 * {@code state.dir}, a reinstalled local stack) is taken as valid whenever the new changelogs happen to be at least
 * as long: stale tokens, and store records whose schema ids the new registry never issued. The instance writes the
 * cluster id beside its state and, when a later start meets a different cluster, wipes the local state so that it is
 * restored from this cluster's changelogs.
 */
final class LocalStateOwner {
    static final String FILE = "tokenpulse-cluster-id";

    private final Path file;

    /** {@code appStateDir}: {@code state.dir}/{@code application.id}, where Kafka Streams keeps this app's tasks. */
    LocalStateOwner(Path appStateDir) {
        this.file = appStateDir.resolve(FILE);
    }

    /** The cluster the local state was built from, when one was recorded. */
    Optional<String> recorded() {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** True when the local state was recorded as built from a cluster other than {@code clusterId}. */
    boolean foreign(String clusterId) {
        return recorded().map(r -> !r.equals(clusterId)).orElse(false);
    }

    void record(String clusterId) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, clusterId + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
