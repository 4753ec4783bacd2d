package org.tornadogpt.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.tornadogpt.graphs.Activations;
import org.tornadogpt.graphs.BackwardGraph;
import org.tornadogpt.graphs.ForwardGraph;
import org.tornadogpt.graphs.GradActivations;
import org.tornadogpt.graphs.OptimizerGraph;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.graphs.TrainingBuffers;
import org.tornadogpt.kernels.DropoutKernels;
import org.tornadogpt.kernels.StepSlots;
import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.GptModel;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Training of one model on batches of shape (B, T): three programs built once and run by a
 * {@link Backend} as one group (on TornadoVM one execution plan whose graphs share the device
 * buffers):
 * <ol>
 * <li>training forward ({@link ForwardGraph#buildTraining}): dropout on, the loss comes back;</li>
 * <li>backward ({@link BackwardGraph}): zero the gradients, then every gradient;</li>
 * <li>update ({@link OptimizerGraph}): global gradient norm (clip factor), AdamW.</li>
 * </ol>
 * Parameters, gradients and the AdamW moments stay on the device; {@link #syncToHost()} brings
 * them to the host arrays for a checkpoint, and {@link #resumeFrom(int)} sends host values back
 * after a restore.
 *
 * <p>Dropout masks are a function of (seed, step, site, element), so a run resumed from a
 * checkpoint (parameters, m, v and the step counter) reproduces the losses of the uninterrupted
 * run given the same batches, on any backend. Rate 0 gives exactly the dropout-free numbers.
 *
 * <p>Memory (bytes) = {@link #memoryBytes}: 4 * (4P + activations + activation gradients), with
 * activations = {@code B*T*(L*(18C+4) + 2C + 3 + 2V) + L*B*NH*T^2} and activation gradients =
 * {@code B*T*11C + B*NH*T^2} floats. GPT-2 124M at B=2, T=256: 1.99 GB for the four parameter-sized
 * buffers plus 0.62 GB of activations and 0.02 GB of gradient scratch.
 *
 * <p>Not thread-safe. Closing releases the programs but not the backend, which may be shared (a
 * {@link ModelRunner} sampling during training).
 */
public final class TrainingSession implements AutoCloseable {
    private final GptModel model;
    private final Backend backend;
    private final int B, T;
    private final AdamWConfig opt;
    private final float dropout;
    private final long seed;
    private final Activations acts;
    private final GradActivations gacts;
    private final TrainingBuffers tb;
    private final Program forward, backward, update;
    private boolean grouped;
    private int completedSteps;

    /**
     * @param dropout rate in [0, 1) used in training mode (the book's drop_rate); 0 = none
     * @param seed    seed of the dropout masks
     */
    public TrainingSession(GptModel model, Backend backend, int B, int T, AdamWConfig opt, float dropout, long seed) {
        if (B <= 0 || T <= 0) throw new IllegalArgumentException("batch size and sequence length must be positive, got B=" + B + ", T=" + T);
        DropoutKernels.threshold(dropout); // validates the rate
        this.model = model;
        this.backend = backend;
        this.B = B;
        this.T = T;
        this.opt = opt;
        this.dropout = dropout;
        this.seed = seed;
        this.acts = new Activations(model.config(), B, T);
        this.gacts = new GradActivations(model.config(), B, T);
        this.tb = new TrainingBuffers(model.layout());
        this.forward = ForwardGraph.buildTraining(model, acts, tb.ints);
        this.backward = BackwardGraph.build(model, acts, gacts, tb, forward);
        this.update = OptimizerGraph.build(model, tb, forward, backward, opt.maxGradNorm() > 0);
    }

    /**
     * One training step: zero the gradients, forward in training mode, backward, optional clipping,
     * AdamW with learning rate {@code lr}. Returns the loss of this batch before the update.
     *
     * @param inputs  B*T token ids, row-major
     * @param targets B*T target ids
     */
    public float step(int[] inputs, int[] targets, float lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must not be negative, got " + lr);
        float loss = gradients(inputs, targets);
        int t = completedSteps + 1;
        FloatArray f = tb.floats;
        double lrd = lr;
        f.set(StepSlots.LR, lr);
        f.set(StepSlots.BETA1, (float) opt.beta1());
        f.set(StepSlots.BETA2, (float) opt.beta2());
        f.set(StepSlots.EPS, (float) opt.eps());
        f.set(StepSlots.DECAY, (float) (1.0 - lrd * opt.weightDecay()));
        f.set(StepSlots.STEP_SIZE, (float) (lrd / (1.0 - Math.pow(opt.beta1(), t))));
        f.set(StepSlots.BC2_SQRT, (float) Math.sqrt(1.0 - Math.pow(opt.beta2(), t)));
        f.set(StepSlots.MAX_NORM, (float) opt.maxGradNorm());
        backend.run(update);
        completedSteps = t;
        return loss;
    }

    /**
     * Forward (training mode, the dropout masks of the next step) and backward without updating:
     * leaves d loss / d parameters in {@link #grads()} (call {@link #syncToHost()} first on a
     * device). Returns the loss.
     */
    public float gradients(int[] inputs, int[] targets) {
        copyIds(inputs, acts.tokens, B, T, B, T, "input");
        copyIds(targets, acts.targets, B, T, B, T, "target");
        setInts(completedSteps + 1, DropoutKernels.threshold(dropout), B, T);
        ensureGrouped();
        backend.run(forward);
        backend.run(backward);
        return acts.loss.get(0);
    }

    /**
     * Mean cross-entropy in eval mode (no dropout) of a batch of {@code b} rows of {@code t} tokens,
     * {@code b <= B}, {@code t <= T}. Runs the training-shape forward with the batch in the top-left
     * corner and averages only its positions: exact, because attention is causal. Parameters are
     * not changed.
     */
    public float evalLoss(int[] inputs, int[] targets, int b, int t) {
        if (b <= 0 || t <= 0 || b > B || t > T)
            throw new IllegalArgumentException("evaluation batch " + b + "x" + t + " must fit the training shape " + B + "x" + T);
        copyIds(inputs, acts.tokens, b, t, B, T, "input");
        copyIds(targets, acts.targets, b, t, B, T, "target");
        setInts(completedSteps + 1, 0, b, t);
        ensureGrouped();
        backend.run(forward);
        return acts.loss.get(0);
    }

    /**
     * The global L2 norm of the gradients of the last step (before clipping; the factor applied is
     * {@link #gradScale()}). With clipping the update computed it on the device and it is fetched
     * from there; without, the update does not compute it, and it is summed here from the
     * gradients (in double), which the update leaves as they are.
     */
    public float gradNorm() {
        if (opt.maxGradNorm() > 0) {
            backend.toHost(update, tb.norm);
            return tb.norm.get(0);
        }
        if (grouped) backend.toHost(backward, tb.grads);
        double sq = 0;
        for (int i = 0, n = tb.grads.getSize(); i < n; i++) {
            double g = tb.grads.get(i);
            sq += g * g;
        }
        return (float) Math.sqrt(sq);
    }

    /** The factor the last step multiplied the gradients by: 1 unless clipping was active. */
    public float gradScale() {
        backend.toHost(update, tb.norm);
        return tb.norm.get(1);
    }

    /** Copies parameters, gradients and AdamW moments from the device into the host arrays. */
    public void syncToHost() {
        if (!grouped) return;
        backend.toHost(forward, model.params()); // enough when no update ran since the plan was built
        backend.toHost(backward, tb.grads);
        backend.toHost(update, model.params(), tb.m, tb.v, tb.norm);
    }

    /**
     * After writing parameters, m and v on the host (restoring a checkpoint): sets the number of
     * completed steps (AdamW's t and the dropout step continue from it) and makes the next run copy
     * the host arrays to the device.
     */
    public void resumeFrom(int completedSteps) {
        if (completedSteps < 0) throw new IllegalArgumentException("step count must not be negative, got " + completedSteps);
        this.completedSteps = completedSteps;
        if (grouped) {
            backend.release(forward, backward, update);
            grouped = false;
        }
    }

    /** AdamW steps taken (t of the last update). */
    public int completedSteps() { return completedSteps; }

    public GptModel model() { return model; }
    public Backend backend() { return backend; }
    public int batchSize() { return B; }
    public int seqLen() { return T; }
    public AdamWConfig optimizer() { return opt; }
    public float dropout() { return dropout; }
    public long seed() { return seed; }

    /** The parameters (P), the model's own buffer. */
    public FloatArray params() { return model.params(); }
    /** Gradients of the last backward pass (P), same layout as the parameters. */
    public FloatArray grads() { return tb.grads; }
    /** AdamW first moment (P). */
    public FloatArray m() { return tb.m; }
    /** AdamW second moment (P). */
    public FloatArray v() { return tb.v; }

    /** The activations of the last forward pass (logits are overwritten by their gradient in backward). */
    public Activations activations() { return acts; }

    /** The three programs (forward, backward, update), e.g. to inspect or profile their launches. */
    public Program[] programs() { return new Program[] {forward, backward, update}; }

    /** Bytes of the buffers a session allocates (see the class comment), without the JVM itself. */
    public static long memoryBytes(GptConfig cfg, int B, int T) {
        long P = cfg.parameterCount();
        return 4L * (4 * P + Activations.floats(cfg, B, T) + GradActivations.floats(cfg, B, T)
                + TrainingBuffers.NORM_BLOCKS + 2 + StepSlots.FLOATS) + 4L * (2L * B * T + StepSlots.INTS);
    }

    private void ensureGrouped() {
        if (!grouped) {
            backend.group(forward, backward, update);
            grouped = true;
        }
    }

    private void setInts(int step, int threshold, int rows, int cols) {
        IntArray s = tb.ints;
        s.set(StepSlots.STEP, step);
        s.set(StepSlots.SEED_LO, (int) seed);
        s.set(StepSlots.SEED_HI, (int) (seed >>> 32));
        s.set(StepSlots.DROP_THRESHOLD, threshold);
        s.set(StepSlots.ROWS, rows);
        s.set(StepSlots.COLS, cols);
    }

    /**
     * Copies a b x t batch into the top-left of a (B, T) id buffer, padding with token 0. Bulk
     * copies: element-wise {@code IntArray.set} here allocated 56 bytes once per process, at the
     * 5th to 7th step, when C2 recompiled the loop.
     */
    private void copyIds(int[] ids, IntArray dst, int b, int t, int bufB, int bufT, String what) {
        int n = b * t;
        if (ids.length != n) throw new IllegalArgumentException("expected " + n + " " + what + " ids (B=" + b + ", T=" + t + "), got " + ids.length);
        int V = model.config().vocabSize();
        for (int i = 0; i < n; i++) {
            int id = ids[i];
            if (id < 0 || id >= V)
                throw new IllegalArgumentException(what + " token id " + id + " at position " + i + " is outside the vocabulary [0, " + V + ")");
        }
        MemorySegment seg = dst.getSegment();
        for (int r = 0; r < bufB; r++) {
            int copied = r < b ? t : 0;
            if (copied > 0) MemorySegment.copy(ids, r * t, seg, ValueLayout.JAVA_INT, (long) r * bufT * Integer.BYTES, copied);
            for (int c = copied; c < bufT; c++) seg.setAtIndex(ValueLayout.JAVA_INT, (long) r * bufT + c, 0);
        }
    }

    @Override
    public void close() {
        if (grouped) backend.release(forward, backward, update);
        grouped = false;
    }
}
