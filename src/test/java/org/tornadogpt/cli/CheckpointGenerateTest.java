package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tornadogpt.Gpt;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.model.ParameterLayout;
import org.tornadogpt.tokenizer.CharTokenizer;
import org.tornadogpt.weights.DType;
import org.tornadogpt.weights.SafetensorsWriter;

/**
 * A tornado-gpt checkpoint (internal names, config under {@code model.*}, tokenizer under
 * {@code tokenizer.*}, AdamW state beside the parameters), as the trainer writes it: loads with its
 * own character tokenizer and generates text.
 */
class CheckpointGenerateTest {
    @TempDir
    Path dir;

    Path writeCheckpoint(CharTokenizer tok, GptModel m) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "tornado-gpt-checkpoint").putMetadata("format_version", "1");
        m.config().toMetadata().forEach((k, v) -> w.putMetadata("model." + k, v));
        tok.metadata().forEach((k, v) -> w.putMetadata("tokenizer." + k, v));
        w.putMetadata("train.step", "10");
        for (ParameterLayout.Tensor t : m.layout().tensors())
            w.add(t.name(), DType.F32, Arrays.stream(t.shape()).asLongStream().toArray(),
                    m.params().getSegment().asSlice(4L * t.offset(), 4L * t.size()));
        long[] flat = {m.layout().size()};
        w.add("optimizer.adamw.m", DType.F32, flat, m.params().getSegment().asSlice(0, 4L * m.layout().size()));
        w.add("optimizer.adamw.v", DType.F32, flat, m.params().getSegment().asSlice(0, 4L * m.layout().size()));
        Path f = dir.resolve("step10.safetensors");
        w.writeAtomically(f);
        return f;
    }

    @Test
    void generatesTextWithTheCheckpointsTokenizer() throws IOException {
        CharTokenizer tok = CharTokenizer.fromText("hello world, the quick brown fox");
        GptModel m = new GptModel(GptConfig.scratch(tok.vocabSize(), 24, 16, 2, 1)).initialize(3);
        Path f = writeCheckpoint(tok, m);
        Cli r = Cli.run("generate", "-w", f.toString(), "--prompt", "hello", "-n", "10", "--seed", "4", "--stats");
        assertEquals(0, r.code(), r.toString());
        String out = r.out().strip();
        assertTrue(out.startsWith("hello") && out.length() == "hello".length() + 10, r.toString());
        assertTrue(r.err().contains("tornado-gpt checkpoint"), r.err());
        try (Gpt gpt = Gpt.load(f)) {
            assertEquals("char", gpt.tokenizer().orElseThrow().kind());
            assertEquals(m.config(), gpt.config());
            for (int i = 0; i < m.params().getSize(); i++) assertEquals(m.params().get(i), gpt.model().params().get(i));
        }
    }
}
