package org.tornadogpt.tokenizer;

/** Thrown by {@link CharTokenizer#encode} for a character that is not in its vocabulary. */
public final class UnknownCharacterException extends IllegalArgumentException {

    private final int codePoint;
    private final int line;
    private final int column;

    UnknownCharacterException(int codePoint, int line, int column, int vocabSize) {
        super("character " + describe(codePoint) + " at line " + line + ", column " + column
                + " is not in the char tokenizer's vocabulary (" + vocabSize
                + " characters, taken from the text it was built from); the char tokenizer can only"
                + " encode characters it has seen");
        this.codePoint = codePoint;
        this.line = line;
        this.column = column;
    }

    /** The unknown character as a Unicode code point. */
    public int codePoint() {
        return codePoint;
    }

    /** 1-based line of its first occurrence. */
    public int line() {
        return line;
    }

    /** 1-based column (in characters) of its first occurrence. */
    public int column() {
        return column;
    }

    /** {@code 'é' (U+00E9)}, with escapes for characters that do not print. */
    static String describe(int cp) {
        String shown = switch (cp) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(cp) || !Character.isDefined(cp)
                    || Character.getType(cp) == Character.SURROGATE
                    || (Character.isWhitespace(cp) && cp != ' ') ? null : Character.toString(cp);
        };
        String code = String.format("U+%04X", cp);
        return shown == null ? code : "'" + shown + "' (" + code + ")";
    }
}
