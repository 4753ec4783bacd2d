package org.tornadogpt.weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weight, checkpoint or config file is malformed, truncated or does not contain what was asked for.
 *
 * <p>Every message is a single line that starts with the file and, where one is involved, names the
 * tensor, e.g. {@code model.safetensors: tensor 'h.0.attn.c_attn.weight' data [1024, 99999999) points
 * past the end of the file (123456 bytes)}.
 */
public class WeightFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public WeightFormatException(String message) {
        super(oneLine(message));
    }

    public WeightFormatException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code "<file>: <problem>"}. */
    public static WeightFormatException of(Path file, String problem) {
        return new WeightFormatException(file + ": " + problem);
    }

    /** {@code "<file>: <problem>"} with a cause (whose own message may be appended by the caller). */
    public static WeightFormatException of(Path file, String problem, Throwable cause) {
        return new WeightFormatException(file + ": " + problem, cause);
    }

    /** {@code "<file>: tensor '<name>' <problem>"}. */
    public static WeightFormatException tensor(Path file, String tensor, String problem) {
        return new WeightFormatException(file + ": tensor '" + tensor + "' " + problem);
    }

    /** Collapses line breaks (e.g. from a JSON parser's message) so the message stays on one line. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
