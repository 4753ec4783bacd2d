package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;

class TokenizeCommandTest {

    @TempDir
    Path dir;

    static int[] read(Path p) throws Exception {
        return Arrays.stream(Files.readString(p).strip().split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void writesEachSplitTokenizedOnItsOwnLikeTheBook() throws Exception {
        String text = "Every effort moves you forward. ".repeat(10); // 320 characters
        Path in = dir.resolve("t.txt");
        Files.writeString(in, text);
        Cli r = Cli.run("tokenize", "--text", in.toString(), "--out", dir.resolve("ids/x").toString());
        assertEquals(0, r.code(), r.toString());
        int cut = 288; // 0.9 * 320 characters
        assertArrayEquals(Gpt2Tokenizer.get().encode(text.substring(0, cut)), read(dir.resolve("ids/x.train.ids")));
        assertArrayEquals(Gpt2Tokenizer.get().encode(text.substring(cut)), read(dir.resolve("ids/x.val.ids")));
        assertFalse(Files.exists(dir.resolve("ids/x.test.ids")));
        assertTrue(r.out().contains("train: " + read(dir.resolve("ids/x.train.ids")).length + " tokens"), r.out());
    }

    @Test
    void threeWaySplitAndCharTokenizer() throws Exception {
        Path in = dir.resolve("t.txt");
        Files.writeString(in, "abcabcabca");
        Cli r = Cli.run("tokenize", "--text", in.toString(), "--tokenizer", "char", "--split", "0.8,0.1,0.1",
                "--out", dir.resolve("c").toString());
        assertEquals(0, r.code(), r.toString());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1}, read(dir.resolve("c.train.ids")));
        assertArrayEquals(new int[] {2}, read(dir.resolve("c.val.ids")));
        assertArrayEquals(new int[] {0}, read(dir.resolve("c.test.ids")));
    }

    @Test
    void missingFileAndBadOptionsAreOneLineErrors() {
        Cli r = Cli.run("tokenize", "--text", dir.resolve("nope.txt").toString(), "--out", dir.resolve("x").toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals(1, r.errLines().length, r.toString());
        assertTrue(r.err().contains("nope.txt"), r.err());
        Cli t = Cli.run("tokenize", "--text", "x", "--tokenizer", "wordpiece", "--out", "y");
        assertEquals(2, t.code(), t.toString());
        assertTrue(t.err().contains("--tokenizer"), t.err());
    }
}
