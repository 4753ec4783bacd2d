package org.tornadogpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;
import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.ModelRunner;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.testutil.Fixtures;
import org.tornadogpt.testutil.Fixtures.Fixture;
import org.tornadogpt.weights.SafetensorsFile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** --backend/--device/--threads parsing, the backends they make, and their one-line errors. */
class BackendOptionsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin
        BackendOptions backend;
    }

    static BackendOptions parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return p.backend;
    }

    @Test
    void defaultIsTheJvmOnAllCores() {
        try (Backend b = parse().create()) {
            JvmBackend j = assertInstanceOf(JvmBackend.class, b);
            assertEquals(Runtime.getRuntime().availableProcessors(), j.pool().threads());
            assertTrue(j.fastPaths());
        }
        try (Backend b = parse("--threads", "3", "--no-fast-paths").create()) {
            JvmBackend j = assertInstanceOf(JvmBackend.class, b);
            assertEquals(3, j.pool().threads());
            assertFalse(j.fastPaths());
        }
    }

    @Test
    void tornadoWithAndWithoutDevice() {
        try (Backend b = parse("--backend", "tornado").create()) {
            TornadoBackend t = assertInstanceOf(TornadoBackend.class, b);
            assertNull(t.deviceFor("forward"));
        }
        // --device implies --backend tornado
        try (Backend b = parse("--device", "0:0").create()) {
            TornadoBackend t = assertInstanceOf(TornadoBackend.class, b);
            assertNotNull(t.deviceFor("forward"));
        }
    }

    @Test
    void perPhaseDevice() {
        try (Backend b = parse("--backend", "tornado", "--device", "forward=0:0").create()) {
            TornadoBackend t = assertInstanceOf(TornadoBackend.class, b);
            assertNotNull(t.deviceFor("forward"));
            assertNotNull(t.deviceFor("forward_loss"));
            assertNull(t.deviceFor("backward"));
            assertNull(t.deviceFor("forwardish"));
        }
    }

    static String error(String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(args).create().close());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void badChoicesGiveOneLineErrors() {
        String m = error("--device", "7:0");
        assertTrue(m.startsWith("--device 7:0: no such TornadoVM device; available: ") && m.contains("0:0"), m);
        assertTrue(error("--device", "0:9").contains("no such TornadoVM device"));
        assertTrue(error("--device", "gpu").contains("expected BACKEND:DEVICE"));
        assertTrue(error("--device", "0:-1").contains("non-negative"));
        assertTrue(error("--backend", "jvm", "--device", "0:0").contains("needs --backend tornado"));
        assertTrue(error("--threads", "0").contains("at least 1"));
        assertTrue(error("--device", "0:0", "--device", "0:0").contains("given twice"));
    }

    /** --backend tornado reproduces the PyTorch fixture (the API's JVM implementation, or an SDK device). */
    @Test
    void tornadoFromOptionsGivesTheFixtureNumbers() {
        Fixture f = Fixtures.all().getFirst();
        GptModel model = f.loadModel();
        try (SafetensorsFile exp = f.openExpected(); ModelRunner r = new ModelRunner(model, parse("--backend", "tornado").create())) {
            long[] shape = exp.info("input_ids").shape();
            int B = (int) shape[0], T = (int) shape[1];
            float[] want = exp.readFloats("logits");
            FloatArray got = r.logits(exp.readInts("input_ids"), B, T);
            for (int i = 0; i < want.length; i++)
                assertEquals(want[i], got.get(i), 1e-4, f + " logit " + i);
            assertEquals(exp.readFloats("loss")[0], r.loss(exp.readInts("input_ids"), exp.readInts("target_ids"), B, T), 5e-5);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
