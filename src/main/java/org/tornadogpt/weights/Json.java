package org.tornadogpt.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading JSON files with one shared strict Jackson mapper: duplicate keys and trailing garbage are errors. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses a JSON document that must be an object; any problem is a one-line WeightFormatException naming the file. */
    static JsonNode parseObject(Path file, byte[] bytes, String what) throws WeightFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")";
            throw WeightFormatException.of(file, "malformed JSON " + what + ": " + e.getOriginalMessage() + where, e);
        } catch (IOException e) {
            throw WeightFormatException.of(file, "cannot parse " + what + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw WeightFormatException.of(file, "malformed JSON " + what + ": empty document");
        }
        if (!root.isObject()) {
            throw WeightFormatException.of(file, what + " is not a JSON object but " + root.getNodeType().name().toLowerCase());
        }
        return root;
    }

    /** The bytes of a JSON file; a missing file is a WeightFormatException "&lt;what&gt; file not found". */
    static byte[] readFile(Path file, String what) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw WeightFormatException.of(file, what + " file not found", e);
        }
    }

    /** Truncated rendering of a JSON value for messages. */
    static String brief(JsonNode node) {
        String s = node == null ? "null" : node.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
