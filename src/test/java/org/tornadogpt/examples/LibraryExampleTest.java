package org.tornadogpt.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.testutil.RandomModels;

/** The README example runs end to end (on a small random model with GPT-2's vocabulary). */
class LibraryExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmeExampleRuns() throws Exception {
        Path weights = RandomModels.writeHf(RandomModels.TINY_GPT2_VOCAB, 2, dir);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            LibraryExample.main(new String[] {weights.toString()});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("loss ") && out.contains("perplexity "), out);
        assertTrue(out.contains("[6109, 3626, 6100, 345, "), out); // "Every effort moves you" then 10 ids
    }
}
