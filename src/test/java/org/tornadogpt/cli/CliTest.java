package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The devices and bench subcommands as a user runs them (tiny model, so they take seconds). */
class CliTest {
    static final String TINY = "layers=2,emb=32,heads=4,vocab=97,context=16";

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        Cli c = Cli.run(args);
        return new Run(c.code(), c.out(), c.err());
    }

    @Test
    void devicesListsTheJvmAndTheTornadoDevices() {
        Run r = run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("jvm backend"), r.out());
        assertTrue(r.out().contains(Runtime.getRuntime().availableProcessors() + " cores"), r.out());
        assertTrue(r.out().contains("max heap") && r.out().contains("physical memory"), r.out());
        assertTrue(r.out().contains("tornado backend"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("0:0")), "device 0:0 listed:\n" + r.out());
    }

    @Test
    void benchAllBackendsAsJsonLines() throws Exception {
        Run r = run("bench", "--model", TINY, "--batch-size", "2", "--context", "8", "--warmup", "1", "--steps", "2", "--json", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), "a jvm row and a tornado 0:0 row:\n" + r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode jvm = json.readTree(lines.get(0)), tornado = json.readTree(lines.get(1));
        assertEquals("jvm", jvm.get("backend").asText());
        assertEquals("tornado", tornado.get("backend").asText());
        assertEquals("0:0", tornado.get("device_id").asText());
        for (JsonNode row : List.of(jvm, tornado)) {
            assertTrue(row.get("median_ms").asDouble() > 0, row.toString());
            assertTrue(row.get("tokens_per_s").asDouble() > 0, row.toString());
            assertTrue(row.get("gflops").asDouble() > 0, row.toString());
            assertTrue(row.get("error").isNull(), row.toString());
            assertEquals("forward", row.get("workload").asText());
            assertEquals(2, row.get("batch_size").asInt());
        }
        assertEquals(1.0, jvm.get("ratio_vs_jvm").asDouble(), 1e-9);
        // the same model and data on both: the same loss
        assertEquals(jvm.get("check_value").asDouble(), tornado.get("check_value").asDouble(), 1e-4);
    }

    @Test
    void benchTableAndCsv() {
        Run t = run("bench", "--model", TINY, "--backends", "jvm", "--context", "8", "--warmup", "0", "--steps", "1");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().startsWith("DEVICE"), t.out());
        assertTrue(t.out().contains("MEDIAN MS/STEP") && t.out().contains("TOKENS/S") && t.out().contains("VS JVM"), t.out());
        assertTrue(t.out().contains("1.00x"), t.out());
        assertTrue(t.out().contains("FLOPs: forward = 2*P*B*T"), t.out());

        Run c = run("bench", "--model", TINY, "--backends", "tornado", "--context", "8", "--warmup", "0", "--steps", "1", "--csv");
        assertEquals(0, c.code(), c.err());
        List<String> lines = c.out().lines().toList();
        assertEquals(2, lines.size(), c.out());
        assertTrue(lines.get(0).startsWith("device,device_id,backend,backend_type,workload,model,batch_size,context"), lines.get(0));
        assertTrue(lines.get(0).contains("median_ms") && lines.get(0).contains("tokens_per_s"), lines.get(0));
        assertTrue(lines.get(1).contains(",0:0,tornado,"), lines.get(1));
    }

    @Test
    void benchTrainStepEvalAndGenerateOnBothBackends() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String w : List.of("train-step", "eval", "generate")) {
            Run r = run("bench", "--workload", w, "--model", TINY, "--batch-size", "2", "--context", "6", "--warmup", "1", "--steps", "1", "--json");
            assertEquals(0, r.code(), w + ": " + r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(2, lines.size(), w + ":\n" + r.out());
            JsonNode jvm = json.readTree(lines.get(0)), tornado = json.readTree(lines.get(1));
            assertEquals(w, jvm.get("workload").asText());
            assertTrue(jvm.get("tokens_per_s").asDouble() > 0 && tornado.get("tokens_per_s").asDouble() > 0, r.out());
            // the same weights and data on both backends: the same loss (or generated token)
            assertEquals(jvm.get("check_value").asDouble(), tornado.get("check_value").asDouble(), 1e-4, w + ": " + r.out());
        }
    }

    @Test
    void benchErrorsAreOneLine() {
        for (String[] args : List.of(
                new String[] {"bench", "--model", "nope"},
                new String[] {"bench", "--model", TINY, "--backends", "gpu"},
                new String[] {"bench", "--model", TINY, "--context", "999"},
                new String[] {"bench", "--model", TINY, "--json", "--csv"},
                new String[] {"bench", "--workload", "nonsense"})) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.out() + r.err());
            assertEquals(1, r.err().lines().filter(l -> !l.startsWith("Try ")).count(), r.err());
            assertTrue(r.err().startsWith("tornado-gpt: "), r.err());
            assertFalse(r.out().contains("DEVICE"));
        }
    }
}
