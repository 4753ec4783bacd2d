package org.tornadogpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.testutil.ReferenceGpt;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Each forward kernel against a plain sequential reference on odd shapes, run through the JVM
 * runtime with 3 threads (so ranges are cut into chunks that start at first != 0) and with offsets
 * into larger buffers.
 */
class ForwardKernelsTest {
    final Random rnd = new Random(42);

    FloatArray random(int n) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) a.set(i, (float) rnd.nextGaussian());
        return a;
    }

    static void run(Launch l) {
        try (JvmBackend be = new JvmBackend(3, false)) {
            be.run(new Program("t").add(l));
        }
    }

    @Test
    void layerNormMatchesReference() {
        int N = 7, C = 13, off = 5;
        FloatArray inp = random(off + N * C), params = random(2 * C + 3);
        FloatArray out = new FloatArray(off + N * C), mean = new FloatArray(N + 2), rstd = new FloatArray(N + 2);
        run(Launch.of("ln", LayerNormKernels::forward, 0, N, out, off, mean, rstd, 2, inp, off, params, 3, 3 + C, C));
        for (int r = 0; r < N; r++) {
            double m = 0, v = 0;
            for (int c = 0; c < C; c++) m += inp.get(off + r * C + c);
            m /= C;
            for (int c = 0; c < C; c++) v += Math.pow(inp.get(off + r * C + c) - m, 2);
            double s = 1 / Math.sqrt(v / C + 1e-5);
            assertEquals(m, mean.get(2 + r), 1e-5);
            assertEquals(s, rstd.get(2 + r), 1e-4 * s);
            for (int c = 0; c < C; c++) {
                double ref = (inp.get(off + r * C + c) - m) * s * params.get(3 + c) + params.get(3 + C + c);
                assertEquals(ref, out.get(off + r * C + c), 1e-5);
            }
        }
    }

    @Test
    void matmulMatchesReferenceWithAndWithoutBias() {
        int N = 3, C = 11, OC = 5;
        FloatArray inp = random(2 + N * C), params = random(4 + OC * C + OC);
        for (int bias : new int[] {4 + OC * C, -1}) {
            FloatArray out = new FloatArray(1 + N * OC);
            run(Launch.of("mm", MatmulKernels::forward, 0, N * OC, out, 1, inp, 2, params, 4, bias, C, OC));
            for (int r = 0; r < N; r++)
                for (int o = 0; o < OC; o++) {
                    double acc = bias >= 0 ? params.get(bias + o) : 0;
                    for (int c = 0; c < C; c++) acc += inp.get(2 + r * C + c) * params.get(4 + o * C + c);
                    assertEquals(acc, out.get(1 + r * OC + o), 1e-5);
                }
        }
    }

    @Test
    void attentionMatchesReferenceAndIsCausal() {
        for (int[] s : new int[][] {{1, 1, 5, 1}, {2, 6, 12, 3}}) {
            int B = s[0], T = s[1], C = s[2], NH = s[3];
            FloatArray qkv = random(B * T * 3 * C);
            FloatArray out = new FloatArray(B * T * C), att = new FloatArray(B * NH * T * T);
            run(Launch.of("att", AttentionKernels::forward, 0, B * NH * T, out, 0, att, 0, qkv, 0, new IntArray(StepSlots.INTS), 1, T, C, NH));
            double[][] q = new double[B * T][3 * C];
            for (int r = 0; r < B * T; r++) for (int c = 0; c < 3 * C; c++) q[r][c] = qkv.get(r * 3 * C + c);
            double[][] ref = ReferenceGpt.attention(q, B, T, C, NH);
            for (int r = 0; r < B * T; r++) for (int c = 0; c < C; c++) assertEquals(ref[r][c], out.get(r * C + c), 1e-5);
            for (int row = 0; row < B * NH * T; row++) {
                int t = row % T;
                double sum = 0;
                for (int u = 0; u < T; u++) {
                    if (u > t) assertEquals(0f, att.get(row * T + u), "future position must get probability 0");
                    sum += att.get(row * T + u);
                }
                assertEquals(1.0, sum, 1e-5);
            }
        }
    }

    @Test
    void geluAndResidualMatchReference() {
        int n = 37;
        FloatArray x = random(n), y = random(n), out = new FloatArray(n), sum = new FloatArray(n);
        run(Launch.of("gelu", GeluKernels::forward, 0, n, out, 0, x, 0));
        run(Launch.of("res", ResidualKernels::forward, 0, n, sum, 0, x, 0, y, 0));
        for (int i = 0; i < n; i++) {
            assertEquals(ReferenceGpt.gelu(x.get(i)), out.get(i), 1e-6);
            assertEquals(x.get(i) + y.get(i), sum.get(i), 1e-6);
        }
    }

    @Test
    void encoderAddsTokenAndPositionRows() {
        int B = 2, T = 3, C = 5, V = 7;
        FloatArray params = random(V * C + T * C);
        IntArray tok = IntArray.fromElements(6, 0, 3, 3, 1, 6);
        FloatArray out = new FloatArray(B * T * C);
        run(Launch.of("enc", EncoderKernels::forward, 0, B * T * C, out, tok, params, 0, V * C, T, C));
        for (int bt = 0; bt < B * T; bt++)
            for (int c = 0; c < C; c++)
                assertEquals(params.get(tok.get(bt) * C + c) + params.get(V * C + (bt % T) * C + c), out.get(bt * C + c), 0f);
    }

    @Test
    void crossEntropyMatchesReferenceIncludingExtremeLogits() {
        int N = 4, V = 9;
        FloatArray logits = random(N * V);
        logits.set(V + 2, 90f); // a dominant logit: the target's probability underflows in float
        IntArray tg = IntArray.fromElements(3, 5, 0, 8);
        FloatArray probs = new FloatArray(N * V), losses = new FloatArray(N), loss = new FloatArray(1);
        run(Launch.of("xent", CrossEntropyKernels::forward, 0, N, probs, losses, logits, tg, V));
        run(Launch.of("mean", CrossEntropyKernels::meanLoss, 0, 1, loss, losses, N));
        double[] lg = new double[N * V];
        for (int i = 0; i < lg.length; i++) lg[i] = logits.get(i);
        assertEquals(ReferenceGpt.loss(lg, tg.toHeapArray(), V), loss.get(0), 1e-4);
        double rowSum = 0;
        for (int v = 0; v < V; v++) rowSum += probs.get(v);
        assertEquals(1.0, rowSum, 1e-5);
    }
}
