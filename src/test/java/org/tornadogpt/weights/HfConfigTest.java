package org.tornadogpt.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {

    @TempDir
    Path tmp;

    /** The shape of the config.json published with GPT-2 small. */
    private static final String GPT2 = """
            {
              "activation_function": "gelu_new",
              "architectures": ["GPT2LMHeadModel"],
              "attn_pdrop": 0.1,
              "bos_token_id": 50256,
              "embd_pdrop": 0.1,
              "eos_token_id": 50256,
              "initializer_range": 0.02,
              "layer_norm_epsilon": 1e-05,
              "model_type": "gpt2",
              "n_ctx": 1024,
              "n_embd": 768,
              "n_head": 12,
              "n_layer": 12,
              "n_positions": 1024,
              "resid_pdrop": 0.1,
              "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}},
              "vocab_size": 50257
            }
            """;

    private Path write(String json) throws IOException {
        return Files.writeString(tmp.resolve("config.json"), json);
    }

    @Test
    void readsGpt2Small() throws IOException {
        HfConfig c = HfConfig.read(write(GPT2));
        assertEquals(new HfConfig(768, 12, 12, 1024, 50257, 1e-5), c);
        assertEquals(64, c.headDim());
    }

    @Test
    void fallsBackToNCtx() throws IOException {
        HfConfig c = HfConfig.read(write(GPT2.replace("\"n_positions\": 1024,", "").replace("\"n_ctx\": 1024", "\"n_ctx\": 2048")));
        assertEquals(2048, c.nPositions());
    }

    private void fails(String json, String... fragments) throws IOException {
        Path p = write(json);
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> HfConfig.read(p));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains("config.json"), "names the file: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "mentions '" + f + "': " + m);
        }
    }

    @Test
    void malformedJson() throws IOException {
        fails("{\"n_embd\": 768,", "malformed JSON");
        fails("[768]", "not a JSON object");
        fails("", "malformed JSON");
    }

    @Test
    void missingKeys() throws IOException {
        fails(GPT2.replace("\"n_embd\": 768,", ""), "missing key 'n_embd'");
        fails(GPT2.replace("\"n_head\": 12,", ""), "'n_head'");
        fails(GPT2.replace("\"n_layer\": 12,", ""), "'n_layer'");
        fails(GPT2.replace("\"n_positions\": 1024,", "").replace("\"n_ctx\": 1024,", ""), "'n_positions'");
        fails(GPT2.replace(",\n  \"vocab_size\": 50257", ""), "'vocab_size'");
        fails(GPT2.replace("\"layer_norm_epsilon\": 1e-05,", ""), "'layer_norm_epsilon'");
    }

    @Test
    void invalidValues() throws IOException {
        fails(GPT2.replace("\"n_embd\": 768", "\"n_embd\": \"768\""), "'n_embd'", "not a positive integer");
        fails(GPT2.replace("\"n_head\": 12", "\"n_head\": 12.5"), "'n_head'");
        fails(GPT2.replace("\"n_layer\": 12", "\"n_layer\": 0"), "'n_layer'");
        fails(GPT2.replace("\"n_head\": 12", "\"n_head\": 7"), "not a multiple");
        fails(GPT2.replace("1e-05", "-1"), "'layer_norm_epsilon'");
        fails(GPT2.replace("\"vocab_size\": 50257", "\"vocab_size\": 5000000000"), "'vocab_size'");
    }

    @Test
    void missingFile() {
        Path p = tmp.resolve("config.json");
        WeightFormatException e = assertThrows(WeightFormatException.class, () -> HfConfig.read(p));
        assertTrue(e.getMessage().contains("config.json"));
    }
}
