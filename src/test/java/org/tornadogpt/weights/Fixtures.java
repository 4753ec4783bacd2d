package org.tornadogpt.weights;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared reference fixtures through the {@code fixtures.dir} system property (set by surefire). */
final class Fixtures {

    private Fixtures() {
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("fixtures.dir", "../shared/fixtures"));
        assertTrue(Files.isDirectory(dir), "fixtures directory not found: " + dir + " (set -Dfixtures.dir)");
        return dir;
    }

    static Path file(String name) {
        Path p = dir().resolve(name);
        assertTrue(Files.isRegularFile(p), "fixture not found: " + p);
        return p;
    }
}
