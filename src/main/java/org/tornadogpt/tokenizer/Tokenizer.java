package org.tornadogpt.tokenizer;

import java.util.Map;

/**
 * Text to token ids and back. Two kinds exist: {@code "gpt2"} (GPT-2's byte-level BPE,
 * {@link Gpt2Tokenizer}) and {@code "char"} (one id per character of a vocabulary built from a
 * text, {@link CharTokenizer}).
 *
 * <p>{@link #metadata()} holds everything needed to rebuild the same tokenizer with
 * {@link #fromMetadata(Map)}; checkpoints store it so that a model is always paired with the
 * vocabulary it was trained on.
 */
public interface Tokenizer {

    /** Metadata key that names the kind; present in every {@link #metadata()} map. */
    String KEY_KIND = "kind";
    /** Metadata key for the vocabulary size, present in every {@link #metadata()} map. */
    String KEY_VOCAB_SIZE = "vocab_size";

    /** {@code "gpt2"} or {@code "char"}. */
    String kind();

    /** Number of distinct ids; every id is in {@code [0, vocabSize())}. */
    int vocabSize();

    int[] encode(String text);

    /** Inverse of {@link #encode}; throws {@link IllegalArgumentException} for an id outside the vocabulary. */
    String decode(int[] ids);

    /** Id of the end-of-text token, or -1 if this tokenizer has none. */
    int eosId();

    /** String-only description from which {@link #fromMetadata(Map)} rebuilds this tokenizer. Immutable. */
    Map<String, String> metadata();

    /** A fresh decoder for ids that arrive one at a time (text generation). */
    StreamingDecoder streamingDecoder();

    /**
     * Rebuilds a tokenizer from {@link #metadata()}.
     *
     * @throws IllegalArgumentException if the kind is missing or unknown, or the rest does not fit it
     */
    static Tokenizer fromMetadata(Map<String, String> metadata) {
        String kind = metadata.get(KEY_KIND);
        if (kind == null) {
            throw new IllegalArgumentException("tokenizer metadata has no '" + KEY_KIND + "' entry: " + metadata.keySet());
        }
        return switch (kind) {
            case Gpt2Tokenizer.KIND -> Gpt2Tokenizer.fromMetadata(metadata);
            case CharTokenizer.KIND -> CharTokenizer.fromMetadata(metadata);
            default -> throw new IllegalArgumentException(
                    "unknown tokenizer kind '" + kind + "' in metadata (expected '" + Gpt2Tokenizer.KIND
                            + "' or '" + CharTokenizer.KIND + "')");
        };
    }
}
