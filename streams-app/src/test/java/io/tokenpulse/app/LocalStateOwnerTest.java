package io.tokenpulse.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateOwnerTest {
    @TempDir
    Path dir;

    @Test
    void stateOfAnotherClusterIsForeignAndStateOfThisOneIsNot() {
        LocalStateOwner owner = new LocalStateOwner(dir.resolve("tokenpulse"));
        // Nothing recorded (a first start, or state from a build before the record): nothing to judge it by
        assertEquals(Optional.empty(), owner.recorded());
        assertFalse(owner.foreign("cluster-a"));

        owner.record("cluster-a");
        assertEquals(Optional.of("cluster-a"), new LocalStateOwner(dir.resolve("tokenpulse")).recorded());
        assertFalse(owner.foreign("cluster-a"));
        assertTrue(owner.foreign("cluster-b"), "state built from cluster-a must not be trusted on cluster-b");

        owner.record("cluster-b");
        assertFalse(owner.foreign("cluster-b"));
    }
}
