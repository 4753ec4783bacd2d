package org.tornadogpt.weights;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The GPT-2 hyper-parameters of a Hugging Face {@code config.json}.
 *
 * @param nEmbd            {@code n_embd}, the model width C
 * @param nHead            {@code n_head}
 * @param nLayer           {@code n_layer}
 * @param nPositions       {@code n_positions} (or the older {@code n_ctx} if that is absent), the context length
 * @param vocabSize        {@code vocab_size}
 * @param layerNormEpsilon {@code layer_norm_epsilon}
 */
public record HfConfig(int nEmbd, int nHead, int nLayer, int nPositions, int vocabSize, double layerNormEpsilon) {

    public HfConfig {
        if (nEmbd <= 0 || nHead <= 0 || nLayer <= 0 || nPositions <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + nEmbd + ", " + nHead + ", " + nLayer
                    + ", " + nPositions + ", " + vocabSize);
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
        }
        if (!(layerNormEpsilon > 0) || Double.isInfinite(layerNormEpsilon)) {
            throw new IllegalArgumentException("layer_norm_epsilon must be positive and finite: " + layerNormEpsilon);
        }
    }

    /** {@code n_embd / n_head}. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /** Reads a {@code config.json}; malformed JSON, missing or invalid keys are a {@link WeightFormatException} naming the file. */
    public static HfConfig read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return parse(file, Json.readFile(file, "config"));
    }

    /** Parses config JSON text; {@code source} names it in error messages. */
    public static HfConfig parse(Path source, String json) throws WeightFormatException {
        return parse(source, json.getBytes(StandardCharsets.UTF_8));
    }

    private static HfConfig parse(Path file, byte[] bytes) throws WeightFormatException {
        JsonNode root = Json.parseObject(file, bytes, "config");
        int nEmbd = positiveInt(file, root, "n_embd");
        int nHead = positiveInt(file, root, "n_head");
        int nLayer = positiveInt(file, root, "n_layer");
        int nPositions;
        if (has(root, "n_positions")) {
            nPositions = positiveInt(file, root, "n_positions");
        } else if (has(root, "n_ctx")) {
            nPositions = positiveInt(file, root, "n_ctx");
        } else {
            throw WeightFormatException.of(file, "missing key 'n_positions' (or 'n_ctx')");
        }
        int vocab = positiveInt(file, root, "vocab_size");
        JsonNode eps = root.get("layer_norm_epsilon");
        if (eps == null || eps.isNull()) {
            throw WeightFormatException.of(file, "missing key 'layer_norm_epsilon'");
        }
        if (!eps.isNumber() || !(eps.doubleValue() > 0) || Double.isInfinite(eps.doubleValue())) {
            throw WeightFormatException.of(file, "key 'layer_norm_epsilon' is not a positive number: " + Json.brief(eps));
        }
        if (nEmbd % nHead != 0) {
            throw WeightFormatException.of(file, "n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
        }
        return new HfConfig(nEmbd, nHead, nLayer, nPositions, vocab, eps.doubleValue());
    }

    private static boolean has(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n != null && !n.isNull();
    }

    private static int positiveInt(Path file, JsonNode root, String key) throws WeightFormatException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw WeightFormatException.of(file, "missing key '" + key + "'");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
            throw WeightFormatException.of(file, "key '" + key + "' is not a positive integer: " + Json.brief(n));
        }
        return n.intValue();
    }
}
