package org.tornadogpt.data;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared example texts for tests: {@code the-verdict.txt} (the book's chapter 2/5 text) and
 * {@code tinyshakespeare.txt} (nanoGPT's char-level data). They live in the directory named by the
 * system property {@code data.dir}, by default {@code ../shared/data} relative to the project;
 * tests that need them are skipped when they are absent.
 */
public final class TestTexts {

    public static final String VERDICT = "the-verdict.txt";
    public static final String SHAKESPEARE = "tinyshakespeare.txt";

    private TestTexts() {
    }

    public static Path path(String name) {
        Path p = Path.of(System.getProperty("data.dir", "../shared/data")).resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), () -> "test text not found: " + p + " (set -Ddata.dir)");
        return p;
    }

    public static String read(String name) {
        try {
            return Files.readString(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
