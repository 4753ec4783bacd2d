package org.tornadogpt.tokenizer;

import org.junit.jupiter.api.Test;
import org.tornadogpt.data.TestTexts;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class Gpt2TokenizerTest {

    private final Gpt2Tokenizer tok = Gpt2Tokenizer.get();

    @Test
    void bookExampleWithEndOfText() {
        // Book ch. 2: tokenizer.encode(text, allowed_special={"<|endoftext|>"})
        String text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace.";
        int[] expected = {15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250,
                8812, 2114, 286, 617, 34680, 27271, 13};
        assertArrayEquals(expected, tok.encode(text));
        assertEquals(text, tok.decode(expected));
    }

    @Test
    void basics() {
        assertEquals("gpt2", tok.kind());
        assertEquals(50257, tok.vocabSize());
        assertEquals(50256, tok.eosId());
        assertArrayEquals(new int[0], tok.encode(""));
        assertArrayEquals(new int[] {50256, 50256}, tok.encode("<|endoftext|><|endoftext|>"));
        assertArrayEquals(new int[] {50256}, tok.encode("<|endoftext|>"));
        assertEquals("<|endoftext|>", tok.decode(new int[] {50256}));
        // a partial marker is ordinary text
        int[] partial = tok.encode("<|endoftext|");
        assertFalse(java.util.Arrays.stream(partial).anyMatch(id -> id == 50256));
        assertEquals("<|endoftext|", tok.decode(partial));
    }

    @Test
    void verdictHas5145TokensAndRoundTrips() {
        String text = TestTexts.read(TestTexts.VERDICT);
        int[] ids = tok.encode(text);
        assertEquals(5145, ids.length);
        assertEquals(text, tok.decode(ids));
    }

    @Test
    void unicodeRoundTrip() {
        String text = "naïve café — 日本語 🙂👍🏽 ok";
        assertEquals(text, tok.decode(tok.encode(text)));
    }

    @Test
    void invalidIdIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {1, 50257}));
        assertTrue(e.getMessage().contains("50257"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> tok.streamingDecoder().push(60000));
    }

    @Test
    void streamingDecoderHoldsBackSplitCharacters() {
        String text = "a🙂b";
        int[] ids = tok.encode(text);
        // the emoji takes more than one token; no push may return half of it
        assertTrue(ids.length > 3, "expected the emoji to be split into byte tokens");
        StreamingDecoder dec = tok.streamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            String piece = dec.push(id);
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.charAt(i);
                assertNotEquals('\uFFFD', c);
                if (Character.isHighSurrogate(c)) {
                    assertTrue(i + 1 < piece.length() && Character.isLowSurrogate(piece.charAt(i + 1)),
                            "half a surrogate pair in '" + piece + "'");
                }
            }
            sb.append(piece);
        }
        sb.append(dec.flush());
        assertEquals(text, sb.toString());
    }

    @Test
    void streamingDecoderFlushReplacesIncompleteCharacter() {
        int[] ids = tok.encode("🙂");
        int[] firstOnly = {ids[0]};
        StreamingDecoder dec = tok.streamingDecoder();
        assertEquals("", dec.push(ids[0]));
        String flushed = dec.flush();
        assertEquals(tok.decode(firstOnly), flushed);
        assertEquals("\uFFFD", flushed);
        // after flush the decoder starts clean
        assertEquals("x", dec.push(tok.encode("x")[0]));
    }

    @Test
    void streamingDecodeEqualsDecodeForRandomIds() {
        // random ids often produce invalid UTF-8; concatenated pushes + flush must equal decode()
        SplittableRandom rnd = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(12);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                // bias towards the 256 single-byte tokens, which split characters most
                ids[i] = rnd.nextBoolean() ? rnd.nextInt(256) : rnd.nextInt(tok.vocabSize());
            }
            StreamingDecoder dec = tok.streamingDecoder();
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                sb.append(dec.push(id));
            }
            sb.append(dec.flush());
            assertEquals(tok.decode(ids), sb.toString(), () -> "ids " + java.util.Arrays.toString(ids));
        }
    }

    @Test
    void metadataRebuildsTheTokenizer() {
        Map<String, String> md = tok.metadata();
        assertEquals("gpt2", md.get("kind"));
        assertEquals("r50k_base", md.get("encoding"));
        assertEquals("50257", md.get("vocab_size"));
        assertEquals("50256", md.get("eos_id"));
        Tokenizer back = Tokenizer.fromMetadata(md);
        assertSame(tok, back);
        assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "gpt2", "encoding", "cl100k_base")));
        assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "gpt2", "vocab_size", "50304")));
    }

    @Test
    void unknownOrMissingKind() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromMetadata(Map.of("kind", "sentencepiece")));
        assertTrue(e.getMessage().contains("sentencepiece"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromMetadata(Map.of()));
    }
}
