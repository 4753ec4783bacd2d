package org.tornadogpt.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A {@link StreamingDecoder} for byte-level tokenizers: each id maps to a byte string, and bytes
 * are held back while they are a proper prefix of a UTF-8 character. Malformed bytes become
 * U+FFFD, the same replacement {@code new String(bytes, UTF_8)} makes.
 */
final class Utf8StreamingDecoder implements StreamingDecoder {

    private final IntFunction<byte[]> tokenBytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] pending = new byte[0];

    Utf8StreamingDecoder(IntFunction<byte[]> tokenBytes) {
        this.tokenBytes = tokenBytes;
    }

    @Override
    public String push(int id) {
        byte[] add = tokenBytes.apply(id);
        byte[] all = Arrays.copyOf(pending, pending.length + add.length);
        System.arraycopy(add, 0, all, pending.length, add.length);
        ByteBuffer in = ByteBuffer.wrap(all);
        String text = decode(in, false);
        pending = Arrays.copyOfRange(all, in.position(), all.length);
        return text;
    }

    @Override
    public String flush() {
        String text = decode(ByteBuffer.wrap(pending), true);
        pending = new byte[0];
        utf8.reset();
        return text;
    }

    /** Decodes as much of {@code in} as forms whole characters; leaves an incomplete tail unless at the end. */
    private String decode(ByteBuffer in, boolean endOfInput) {
        CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
        utf8.reset();
        CoderResult result = utf8.decode(in, out, endOfInput);
        if (result.isOverflow()) {
            // Cannot happen: UTF-8 never yields more UTF-16 units than bytes (+1 replacement).
            throw new IllegalStateException("UTF-8 decode overflow");
        }
        if (endOfInput) {
            utf8.flush(out);
        }
        out.flip();
        return out.toString();
    }
}
