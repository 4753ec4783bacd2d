package org.tornadogpt;

/**
 * Receives generated tokens as they are produced (see {@link Gpt#generate(int[], org.tornadogpt.sample.GenerationConfig, TokenListener)}).
 */
@FunctionalInterface
public interface TokenListener {

    /**
     * One new token.
     *
     * @param tokenId the token id
     * @param text    the text this token completes: usually its characters, empty when the token ends
     *                inside a multi-byte character (the text then arrives with a later token), for the EOS
     *                token, or when the model has no tokenizer
     */
    void onToken(int tokenId, String text);

    /** Called once at the end with text still held back (an incomplete character, shown as U+FFFD); usually empty. */
    default void onFinish(String remainingText) {
    }
}
