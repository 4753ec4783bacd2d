package org.tornadogpt.tokenizer;

/**
 * Decodes ids one at a time, as a generator produces them. A GPT-2 token can end in the middle of
 * a multi-byte UTF-8 character (an emoji is often two or three tokens); the decoder keeps such
 * bytes back until the character is complete, so printed text never shows half characters.
 *
 * <p>Concatenating every {@link #push} result and the final {@link #flush()} gives exactly
 * {@link Tokenizer#decode} of the same ids. Not thread-safe; one per generated stream.
 */
public interface StreamingDecoder {

    /** Adds one id; returns the text completed by it (often empty, never null). */
    String push(int id);

    /**
     * Returns whatever is still held back (an incomplete character becomes U+FFFD, as in
     * {@link Tokenizer#decode}) and resets the decoder.
     */
    String flush();
}
