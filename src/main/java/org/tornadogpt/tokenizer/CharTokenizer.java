package org.tornadogpt.tokenizer;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Character-level tokenizer, as in nanoGPT's {@code shakespeare_char} and the "GPT from scratch"
 * notebook: the vocabulary is the sorted set of distinct characters of a text
 * ({@code sorted(list(set(text)))}), and a character's id is its position in that list.
 *
 * <p>Characters are Unicode code points (what a Python {@code str} iterates over), sorted by code
 * point value, so ids match the Python recipes for any text. nanoGPT builds the vocabulary from
 * the whole input file before splitting it; pass the whole text to {@link #fromText} to do the same.
 * Has no end-of-text token. Thread-safe.
 */
public final class CharTokenizer implements Tokenizer {

    public static final String KIND = "char";
    /** Metadata key: the vocabulary as comma-separated decimal code points, in id order. */
    static final String KEY_CODE_POINTS = "code_points";

    private final int[] codePoints; // (V) sorted ascending; id -> code point
    private final Map<String, String> metadata;

    private CharTokenizer(int[] sortedDistinctCodePoints) {
        this.codePoints = sortedDistinctCodePoints;
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_KIND, KIND);
        m.put(KEY_VOCAB_SIZE, Integer.toString(codePoints.length));
        m.put(KEY_CODE_POINTS, Arrays.stream(codePoints).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        this.metadata = Collections.unmodifiableMap(m);
    }

    /** Builds the vocabulary from the distinct characters of {@code text}. */
    public static CharTokenizer fromText(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cannot build a char vocabulary from an empty text");
        }
        return new CharTokenizer(text.codePoints().distinct().sorted().toArray());
    }

    /** Builds a tokenizer with exactly these characters (code points, any order, no duplicates). */
    public static CharTokenizer fromCodePoints(int... codePoints) {
        if (codePoints.length == 0) {
            throw new IllegalArgumentException("a char vocabulary needs at least one character");
        }
        int[] sorted = codePoints.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (!Character.isValidCodePoint(sorted[i])) {
                throw new IllegalArgumentException("invalid code point " + sorted[i] + " in char vocabulary");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("duplicate character " + UnknownCharacterException.describe(sorted[i])
                        + " in char vocabulary");
            }
        }
        return new CharTokenizer(sorted);
    }

    static CharTokenizer fromMetadata(Map<String, String> metadata) {
        String list = metadata.get(KEY_CODE_POINTS);
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("char tokenizer metadata has no '" + KEY_CODE_POINTS + "' entry");
        }
        int[] cps;
        try {
            cps = Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("char tokenizer metadata '" + KEY_CODE_POINTS
                    + "' is not a comma-separated list of integers: " + e.getMessage(), e);
        }
        CharTokenizer tok = fromCodePoints(cps);
        if (!Arrays.equals(tok.codePoints, cps)) {
            throw new IllegalArgumentException("char tokenizer metadata '" + KEY_CODE_POINTS + "' is not sorted");
        }
        String vocab = metadata.get(KEY_VOCAB_SIZE);
        if (vocab != null && !vocab.equals(Integer.toString(cps.length))) {
            throw new IllegalArgumentException("char tokenizer metadata has vocab_size " + vocab + " but lists "
                    + cps.length + " characters");
        }
        return tok;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    @Override
    public int eosId() {
        return -1;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The vocabulary as a string, characters in id order. */
    public String vocabulary() {
        return new String(codePoints, 0, codePoints.length);
    }

    /** Id of one character, or -1 if it is not in the vocabulary. */
    public int idOf(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    /** @throws UnknownCharacterException naming the first character that is not in the vocabulary */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int id = idOf(cp);
            if (id < 0) {
                throw unknown(text, i, cp);
            }
            ids[n++] = id;
            i += Character.charCount(cp);
        }
        return ids;
    }

    private UnknownCharacterException unknown(String text, int index, int cp) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = text.codePointCount(lineStart, index) + 1;
        return new UnknownCharacterException(cp, line, column, codePoints.length);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.appendCodePoint(codePointOf(id));
        }
        return sb.toString();
    }

    private int codePointOf(int id) {
        if (id < 0 || id >= codePoints.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the char vocabulary [0, "
                    + codePoints.length + ")");
        }
        return codePoints[id];
    }

    @Override
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder() {
            @Override
            public String push(int id) {
                return Character.toString(codePointOf(id));
            }

            @Override
            public String flush() {
                return "";
            }
        };
    }

    @Override
    public String toString() {
        return "CharTokenizer[vocab " + codePoints.length + "]";
    }
}
