package org.tornadogpt.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.tokenizer.CharTokenizer;
import org.tornadogpt.tokenizer.Gpt2Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SplitTest {

    @Test
    void verdictSplitLikeTheBook() {
        String text = TestTexts.read(TestTexts.VERDICT);
        assertEquals(20479, text.length());
        TextSplit split = TextSplit.of(text, 0.9);
        assertEquals(18431, split.train().length()); // int(0.9 * 20479)
        assertEquals(text, split.train() + split.val());
        assertEquals("", split.test());
        TokenizedSplits ids = TokenizedSplits.of(split, Gpt2Tokenizer.get());
        assertEquals(4612, ids.train().length);
        assertEquals(534, ids.val().length);
        assertEquals(0, ids.test().length);
        ids.requireOneWindowEach(256, false);
        DatasetTooShortException e = assertThrows(DatasetTooShortException.class, () -> ids.requireOneWindowEach(1024, false));
        assertEquals("validation split has 534 tokens, but one window needs 1025 (--context 1024 + 1);"
                + " lower --context or raise the validation share of --split", e.getMessage());
    }

    @Test
    void threeWaySplit() {
        String text = TestTexts.read(TestTexts.VERDICT);
        TextSplit split = TextSplit.of(text, SplitRatios.parse("0.8,0.1,0.1"));
        assertEquals(16383, split.train().length()); // int(0.8 * 20479)
        assertEquals(18431 - 16383, split.val().length());
        assertEquals(20479 - 18431, split.test().length());
        assertEquals(text, split.train() + split.val() + split.test());
        TokenizedSplits ids = TokenizedSplits.of(split, Gpt2Tokenizer.get());
        assertTrue(ids.test().length > 0);
        assertSame(ids.test(), ids.ids(Split.TEST));
        assertEquals(split.val(), split.part(Split.VAL));
    }

    @Test
    void splitCountsCodePointsLikePython() {
        // len("ab🙂cd") == 5 in Python: int(0.5 * 5) = 2, int(0.6 * 5) = 3
        assertEquals(new TextSplit("ab", "🙂cd", ""), TextSplit.of("ab🙂cd", 0.5));
        assertEquals(new TextSplit("ab🙂", "cd", ""), TextSplit.of("ab🙂cd", 0.6));
        assertEquals(new TextSplit("abcd", "", ""), TextSplit.of("abcd", 1.0));
        assertEquals(new TextSplit("a", "b", "cd"), TextSplit.of("abcd", SplitRatios.of(0.25, 0.25, 0.5)));
    }

    @Test
    void charTokenizedSplit() {
        String text = TestTexts.read(TestTexts.SHAKESPEARE);
        CharTokenizer tok = CharTokenizer.fromText(text); // vocabulary from the whole text, as nanoGPT
        TokenizedSplits ids = TokenizedSplits.of(text, SplitRatios.trainVal(0.9), tok);
        int n = text.length();
        assertEquals((int) (0.9 * n), ids.train().length);
        assertEquals(n - (int) (0.9 * n), ids.val().length);
    }

    @Test
    void ratios() {
        assertEquals(new SplitRatios(0.9, 1.0 - 0.9, 0), SplitRatios.parse("0.9"));
        assertEquals(new SplitRatios(0.9, 0.1, 0), SplitRatios.parse("0.9, 0.1"));
        SplitRatios three = SplitRatios.parse("0.8,0.1,0.1");
        assertEquals(0.8, three.train());
        assertEquals(0.1, three.test());
        assertTrue(three.hasTest());
        assertFalse(SplitRatios.parse("0.9").hasTest());
        assertEquals("0.8/0.1/0.1", three.toString());

        DatasetException sum = assertThrows(DatasetException.class, () -> SplitRatios.parse("0.8,0.1"));
        assertTrue(sum.getMessage().startsWith("split shares must add up to 1, got 0.8/0.1/0"), sum.getMessage());
        assertThrows(DatasetException.class, () -> SplitRatios.parse("1.5"));
        assertThrows(DatasetException.class, () -> SplitRatios.parse("0"));
        assertThrows(DatasetException.class, () -> SplitRatios.parse("-0.1,1.1"));
        assertThrows(DatasetException.class, () -> SplitRatios.parse("0.5,0.2,0.2,0.1"));
        DatasetException bad = assertThrows(DatasetException.class, () -> SplitRatios.parse("ninety"));
        assertTrue(bad.getMessage().contains("'ninety'"), bad.getMessage());
    }

    @Test
    void emptyTextIsAnError() {
        DatasetException e = assertThrows(DatasetException.class, () -> TextSplit.of("", 0.9));
        assertEquals("the input text is empty; there is nothing to train on", e.getMessage());
    }

    @Test
    void readsTextLikePython(@TempDir Path dir) throws IOException {
        Path crlf = dir.resolve("crlf.txt");
        Files.write(crlf, "one\r\ntwo\rthree\n\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("one\ntwo\nthree\né", TextFiles.read(crlf));

        Path bad = dir.resolve("latin1.txt");
        Files.write(bad, new byte[] {'c', 'a', 'f', (byte) 0xE9});
        DatasetException e = assertThrows(DatasetException.class, () -> TextFiles.read(bad));
        assertTrue(e.getMessage().contains("latin1.txt is not valid UTF-8"), e.getMessage());

        assertEquals(TestTexts.read(TestTexts.VERDICT), TextFiles.read(TestTexts.path(TestTexts.VERDICT)));
    }
}
