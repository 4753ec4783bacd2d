package org.tornadogpt.tokenizer;

import org.junit.jupiter.api.Test;
import org.tornadogpt.data.TestTexts;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CharTokenizerTest {

    @Test
    void tinyShakespeareVocabulary() {
        String text = TestTexts.read(TestTexts.SHAKESPEARE);
        CharTokenizer tok = CharTokenizer.fromText(text);
        assertEquals(65, tok.vocabSize());
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", tok.vocabulary());
        // the notebook's example: encode("hii there")
        assertArrayEquals(new int[] {46, 47, 47, 1, 58, 46, 43, 56, 43}, tok.encode("hii there"));
        assertEquals("hii there", tok.decode(tok.encode("hii there")));
        int[] ids = tok.encode(text);
        assertEquals(text.length(), ids.length);
        assertEquals(text, tok.decode(ids));
        // first characters "First Citizen:" -> F=18, i=47, r=56, s=57, t=58
        assertArrayEquals(new int[] {18, 47, 56, 57, 58}, java.util.Arrays.copyOf(ids, 5));
    }

    @Test
    void basics() {
        CharTokenizer tok = CharTokenizer.fromText("hello world");
        assertEquals("char", tok.kind());
        assertEquals(-1, tok.eosId());
        assertEquals(" dehlorw", tok.vocabulary());
        assertEquals(8, tok.vocabSize());
        assertArrayEquals(new int[] {3, 2, 4, 4, 5}, tok.encode("hello"));
        assertEquals(-1, tok.idOf('z'));
        assertArrayEquals(new int[0], tok.encode(""));
    }

    @Test
    void charactersAreCodePointsSortedByValue() {
        // an emoji outside the BMP is one character, and sorts after every BMP character
        CharTokenizer tok = CharTokenizer.fromText("b🙂a\uFFFDé");
        assertEquals(5, tok.vocabSize());
        assertEquals("abé\uFFFD🙂", tok.vocabulary());
        assertArrayEquals(new int[] {4, 0}, tok.encode("🙂a"));
        assertEquals("🙂a", tok.decode(new int[] {4, 0}));
        StreamingDecoder dec = tok.streamingDecoder();
        assertEquals("🙂", dec.push(4));
        assertEquals("é", dec.push(2));
        assertEquals("", dec.flush());
    }

    @Test
    void unknownCharacterNamesTheCharacterAndWhere() {
        CharTokenizer tok = CharTokenizer.fromText("abc \n");
        UnknownCharacterException e = assertThrows(UnknownCharacterException.class, () -> tok.encode("abc\ncab é"));
        assertEquals('é', e.codePoint());
        assertEquals(2, e.line());
        assertEquals(5, e.column());
        assertTrue(e.getMessage().startsWith("character 'é' (U+00E9) at line 2, column 5 is not in the char tokenizer's vocabulary (5 characters"),
                e.getMessage());

        UnknownCharacterException tab = assertThrows(UnknownCharacterException.class, () -> tok.encode("a\tb"));
        assertTrue(tab.getMessage().startsWith("character '\\t' (U+0009) at line 1, column 2"), tab.getMessage());

        UnknownCharacterException emoji = assertThrows(UnknownCharacterException.class, () -> tok.encode("🙂🙃"));
        assertEquals(0x1F642, emoji.codePoint());
        assertTrue(emoji.getMessage().contains("U+1F642"), emoji.getMessage());
    }

    @Test
    void invalidIdsAndEmptyText() {
        CharTokenizer tok = CharTokenizer.fromText("ab");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {2}));
        assertTrue(e.getMessage().contains("token id 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.streamingDecoder().push(-1));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromText(""));
    }

    @Test
    void metadataRoundTrip() {
        CharTokenizer tok = CharTokenizer.fromText("To be, or not to be\n🙂");
        Map<String, String> md = tok.metadata();
        assertEquals("char", md.get("kind"));
        assertEquals(Integer.toString(tok.vocabSize()), md.get("vocab_size"));
        assertEquals("10,32,44,84,98,101,110,111,114,116,128578", md.get("code_points"));

        Tokenizer back = Tokenizer.fromMetadata(new HashMap<>(md));
        assertInstanceOf(CharTokenizer.class, back);
        assertEquals(tok.vocabulary(), ((CharTokenizer) back).vocabulary());
        assertEquals(md, back.metadata());
        assertArrayEquals(tok.encode("not to be"), back.encode("not to be"));
    }

    @Test
    void badMetadataIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromMetadata(Map.of("kind", "char")));
        assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "char", "code_points", "97,x")));
        assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "char", "code_points", "98,97")));
        assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "char", "code_points", "97,97")));
        assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "char", "code_points", "97,98", "vocab_size", "3")));
    }
}
