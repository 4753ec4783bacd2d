package org.tornadogpt.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads training text the way Python's {@code open(path, "r", encoding="utf-8").read()} does. */
public final class TextFiles {

    private TextFiles() {
    }

    /**
     * Reads a UTF-8 file and translates {@code \r\n} and lone {@code \r} to {@code \n} (Python's
     * universal newlines), so a file saved on Windows gives the same characters and tokens.
     *
     * @throws DatasetException if the file is not valid UTF-8
     */
    public static String read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetException(path + " is not valid UTF-8 text (" + e.getMessage() + ")");
        }
        return normalizeNewlines(text);
    }

    /** {@code \r\n} and {@code \r} become {@code \n}. */
    public static String normalizeNewlines(String text) {
        if (text.indexOf('\r') < 0) {
            return text;
        }
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }
}
