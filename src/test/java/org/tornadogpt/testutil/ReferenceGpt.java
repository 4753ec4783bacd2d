package org.tornadogpt.testutil;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.ParameterLayout;

/**
 * A plain, sequential, double-precision GPT forward pass written straight from the fixtures'
 * model description (no kernels, no buffers shared with the code under test). The reference for
 * kernel and graph tests on shapes the fixtures do not cover.
 */
public final class ReferenceGpt {
    private ReferenceGpt() {}

    /** Logits (B*T*V) of the model with parameters {@code p} (flat, {@link ParameterLayout} order). */
    public static double[] logits(GptConfig cfg, float[] p, int[] ids, int B, int T) {
        ParameterLayout lay = new ParameterLayout(cfg);
        int C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize();
        double[][] x = new double[B * T][C];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int c = 0; c < C; c++)
                    x[b * T + t][c] = p[lay.wte() + ids[b * T + t] * C + c] + p[lay.wpe() + t * C + c];
        for (int l = 0; l < cfg.nLayers(); l++) {
            double[][] h = layerNorm(x, p, lay.ln1Weight(l), lay.ln1Bias(l));
            double[][] qkv = linear(h, p, lay.qkvWeight(l), lay.qkvBias(l), 3 * C);
            double[][] y = attention(qkv, B, T, C, NH);
            double[][] a = linear(y, p, lay.attnProjWeight(l), lay.attnProjBias(l), C);
            add(x, a);
            double[][] h2 = layerNorm(x, p, lay.ln2Weight(l), lay.ln2Bias(l));
            double[][] f = linear(h2, p, lay.fcWeight(l), lay.fcBias(l), 4 * C);
            for (double[] row : f) for (int i = 0; i < row.length; i++) row[i] = gelu(row[i]);
            add(x, linear(f, p, lay.fcProjWeight(l), lay.fcProjBias(l), C));
        }
        double[][] hf = layerNorm(x, p, lay.lnfWeight(), lay.lnfBias());
        double[][] lg = linear(hf, p, lay.lmHead(), -1, V);
        double[] out = new double[B * T * V];
        for (int r = 0; r < B * T; r++) System.arraycopy(lg[r], 0, out, r * V, V);
        return out;
    }

    /** Mean cross-entropy of logits (N*V) against targets. */
    public static double loss(double[] logits, int[] targets, int V) {
        int n = targets.length;
        double sum = 0;
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < V; v++) max = Math.max(max, logits[r * V + v]);
            double s = 0;
            for (int v = 0; v < V; v++) s += Math.exp(logits[r * V + v] - max);
            sum += max + Math.log(s) - logits[r * V + targets[r]];
        }
        return sum / n;
    }

    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double[][] layerNorm(double[][] x, float[] p, int w, int b) {
        int C = x[0].length;
        double[][] out = new double[x.length][C];
        for (int r = 0; r < x.length; r++) {
            double m = 0;
            for (double v : x[r]) m += v;
            m /= C;
            double var = 0;
            for (double v : x[r]) var += (v - m) * (v - m);
            var /= C;
            double s = 1 / Math.sqrt(var + 1e-5);
            for (int c = 0; c < C; c++) out[r][c] = (x[r][c] - m) * s * p[w + c] + p[b + c];
        }
        return out;
    }

    static double[][] linear(double[][] x, float[] p, int w, int b, int oc) {
        int C = x[0].length;
        double[][] out = new double[x.length][oc];
        for (int r = 0; r < x.length; r++)
            for (int o = 0; o < oc; o++) {
                double acc = b >= 0 ? p[b + o] : 0;
                for (int c = 0; c < C; c++) acc += x[r][c] * p[w + o * C + c];
                out[r][o] = acc;
            }
        return out;
    }

    public static double[][] attention(double[][] qkv, int B, int T, int C, int NH) {
        int hd = C / NH;
        double[][] out = new double[B * T][C];
        for (int b = 0; b < B; b++)
            for (int h = 0; h < NH; h++)
                for (int t = 0; t < T; t++) {
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double d = 0;
                        for (int i = 0; i < hd; i++) d += qkv[b * T + t][h * hd + i] * qkv[b * T + u][C + h * hd + i];
                        s[u] = d / Math.sqrt(hd);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) { s[u] = Math.exp(s[u] - max); sum += s[u]; }
                    for (int i = 0; i < hd; i++) {
                        double acc = 0;
                        for (int u = 0; u <= t; u++) acc += s[u] / sum * qkv[b * T + u][2 * C + h * hd + i];
                        out[b * T + t][h * hd + i] = acc;
                    }
                }
        return out;
    }

    static void add(double[][] x, double[][] y) {
        for (int r = 0; r < x.length; r++) for (int c = 0; c < x[r].length; c++) x[r][c] += y[r][c];
    }
}
