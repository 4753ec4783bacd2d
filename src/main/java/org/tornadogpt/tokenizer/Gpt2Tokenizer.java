package org.tornadogpt.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-2's byte-level BPE ({@code r50k_base}, through jtokkit): 50257 ids, of which 50256 is
 * {@code <|endoftext|>}.
 *
 * <p>Encoding behaves like tiktoken's {@code encode(text, allowed_special={"<|endoftext|>"})},
 * which the book uses throughout: the literal text {@code <|endoftext|>} becomes id 50256 and the
 * pieces between occurrences are encoded as ordinary text. Thread-safe.
 */
public final class Gpt2Tokenizer implements Tokenizer {

    public static final String KIND = "gpt2";
    public static final String ENCODING_NAME = "r50k_base";
    public static final int VOCAB_SIZE = 50257;
    public static final int EOS_ID = 50256;
    public static final String EOS_TEXT = "<|endoftext|>";

    static final String KEY_ENCODING = "encoding";
    static final String KEY_EOS_ID = "eos_id";
    static final String KEY_ALLOWED_SPECIAL = "allowed_special";

    private static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();

    private final Encoding encoding;
    private final Map<String, String> metadata;

    private Gpt2Tokenizer() {
        this.encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_KIND, KIND);
        m.put(KEY_ENCODING, ENCODING_NAME);
        m.put(KEY_VOCAB_SIZE, Integer.toString(VOCAB_SIZE));
        m.put(KEY_EOS_ID, Integer.toString(EOS_ID));
        m.put(KEY_ALLOWED_SPECIAL, EOS_TEXT);
        this.metadata = java.util.Collections.unmodifiableMap(m);
    }

    /** The shared instance (the BPE tables are loaded once). */
    public static Gpt2Tokenizer get() {
        return INSTANCE;
    }

    static Gpt2Tokenizer fromMetadata(Map<String, String> metadata) {
        String enc = metadata.getOrDefault(KEY_ENCODING, ENCODING_NAME);
        if (!ENCODING_NAME.equals(enc)) {
            throw new IllegalArgumentException("gpt2 tokenizer metadata names encoding '" + enc
                    + "'; only '" + ENCODING_NAME + "' is supported");
        }
        String vocab = metadata.get(KEY_VOCAB_SIZE);
        if (vocab != null && !vocab.equals(Integer.toString(VOCAB_SIZE))) {
            throw new IllegalArgumentException("gpt2 tokenizer metadata has vocab_size " + vocab
                    + ", but " + ENCODING_NAME + " has " + VOCAB_SIZE);
        }
        return INSTANCE;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int eosId() {
        return EOS_ID;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public int[] encode(String text) {
        IntArrayList out = new IntArrayList(Math.max(16, text.length() / 4));
        int from = 0;
        while (true) {
            int at = text.indexOf(EOS_TEXT, from);
            int end = at < 0 ? text.length() : at;
            if (end > from) {
                IntArrayList part = encoding.encodeOrdinary(text.substring(from, end));
                for (int i = 0; i < part.size(); i++) {
                    out.add(part.get(i));
                }
            }
            if (at < 0) {
                return out.toArray();
            }
            out.add(EOS_ID);
            from = at + EOS_TEXT.length();
        }
    }

    /** Decodes ids; bytes that do not form valid UTF-8 become U+FFFD (tiktoken's {@code errors="replace"}). */
    @Override
    public String decode(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            list.add(checkId(id));
        }
        return new String(encoding.decodeBytes(list), StandardCharsets.UTF_8);
    }

    /** The raw bytes of one token (a token need not be valid UTF-8 on its own). */
    public byte[] tokenBytes(int id) {
        IntArrayList one = new IntArrayList(1);
        one.add(checkId(id));
        return encoding.decodeBytes(one);
    }

    @Override
    public StreamingDecoder streamingDecoder() {
        return new Utf8StreamingDecoder(this::tokenBytes);
    }

    private static int checkId(int id) {
        if (id < 0 || id >= VOCAB_SIZE) {
            throw new IllegalArgumentException("token id " + id + " is outside the GPT-2 vocabulary [0, " + VOCAB_SIZE + ")");
        }
        return id;
    }

    @Override
    public String toString() {
        return "Gpt2Tokenizer[" + ENCODING_NAME + ", vocab " + VOCAB_SIZE + "]";
    }
}
