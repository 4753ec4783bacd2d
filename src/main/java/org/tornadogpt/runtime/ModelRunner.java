package org.tornadogpt.runtime;

import java.util.HashMap;
import java.util.Map;

import org.tornadogpt.graphs.Activations;
import org.tornadogpt.graphs.ForwardGraph;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.model.GptModel;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Runs a model's forward programs on a backend, one set of activations and programs per batch
 * shape (B, T), built on first use and reused.
 */
public final class ModelRunner implements AutoCloseable {
    private final GptModel model;
    private final Backend backend;
    private final Map<Long, Shape> shapes = new HashMap<>();

    /** The buffers and programs of one (B, T). */
    public static final class Shape {
        public final Activations acts;
        private Program forward;
        private Program forwardLoss;

        Shape(Activations acts) {
            this.acts = acts;
        }
    }

    public ModelRunner(GptModel model, Backend backend) {
        this.model = model;
        this.backend = backend;
    }

    public GptModel model() { return model; }

    public Backend backend() { return backend; }

    /** The activations and programs for batch shape (B, T), created on first use. */
    public Shape shape(int B, int T) {
        return shapes.computeIfAbsent(((long) B << 32) | T, k -> new Shape(new Activations(model.config(), B, T)));
    }

    /** Mean cross-entropy of the model on inputs/targets (row-major [B, T]). */
    public float loss(int[] inputs, int[] targets, int B, int T) {
        Shape s = shape(B, T);
        copyIds(inputs, s.acts, true);
        copyIds(targets, s.acts, false);
        if (s.forwardLoss == null) s.forwardLoss = ForwardGraph.build(model, s.acts, true);
        backend.run(s.forwardLoss);
        return s.acts.loss.get(0);
    }

    /** Logits (B, T, V) for the inputs; the returned buffer is reused by the next call. */
    public FloatArray logits(int[] inputs, int B, int T) {
        Shape s = shape(B, T);
        copyIds(inputs, s.acts, true);
        if (s.forward == null) s.forward = ForwardGraph.build(model, s.acts, false);
        backend.run(s.forward);
        return s.acts.logits;
    }

    private void copyIds(int[] ids, Activations a, boolean inputs) {
        int n = a.B * a.T;
        if (ids.length != n) throw new IllegalArgumentException("expected " + n + " token ids (B=" + a.B + ", T=" + a.T + "), got " + ids.length);
        int V = model.config().vocabSize();
        var dst = inputs ? a.tokens : a.targets;
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (id < 0 || id >= V)
                throw new IllegalArgumentException((inputs ? "input" : "target") + " token id " + id + " at position " + i + " is outside the vocabulary [0, " + V + ")");
            dst.set(i, id);
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
