package org.tornadogpt.testutil;

import org.tornadogpt.model.GptConfig;
import org.tornadogpt.model.ParameterLayout;

/**
 * A plain, sequential, double-precision GPT forward pass written straight from the fixtures'
 * model description (no kernels, no buffers shared with the code under test). The reference for
 * kernel and graph tests on shapes the fixtures do not cover. Optionally applies dropout with given
 * per-element factors at the book's places (embedding sum, attention probabilities, both residual
 * branches), so finite differences can check the training graph with dropout on.
 */
public final class ReferenceGpt {
    private ReferenceGpt() {}

    /** Dropout factor (0 or 1/(1-p)) of element {@code idx} of dropout site {@code site}. */
    @FunctionalInterface
    public interface Mask {
        double scale(int site, int idx);
    }

    /** Logits (B*T*V) of the model with parameters {@code p} (flat, {@link ParameterLayout} order). */
    public static double[] logits(GptConfig cfg, float[] p, int[] ids, int B, int T) {
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) d[i] = p[i];
        return logits(cfg, d, ids, B, T, null);
    }

    /**
     * Logits with double parameters and, when {@code mask} is not null, dropout: site 0 is the
     * embedding sum (index b*T*C + t*C + c), layer l uses site 1+3l for the attention probabilities
     * (index ((b*NH + h)*T + t)*T + u), 2+3l for the attention projection and 3+3l for the MLP
     * output before their residual adds (index as the embedding).
     */
    public static double[] logits(GptConfig cfg, double[] p, int[] ids, int B, int T, Mask mask) {
        ParameterLayout lay = new ParameterLayout(cfg);
        int C = cfg.embDim(), NH = cfg.nHeads(), V = cfg.vocabSize();
        double[][] x = new double[B * T][C];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int c = 0; c < C; c++)
                    x[b * T + t][c] = p[lay.wte() + ids[b * T + t] * C + c] + p[lay.wpe() + t * C + c];
        if (mask != null) drop(x, mask, 0);
        for (int l = 0; l < cfg.nLayers(); l++) {
            double[][] h = layerNorm(x, p, lay.ln1Weight(l), lay.ln1Bias(l));
            double[][] qkv = linear(h, p, lay.qkvWeight(l), lay.qkvBias(l), 3 * C);
            int site = 1 + 3 * l;
            double[][] y = attention(qkv, B, T, C, NH, mask == null ? null : idx -> mask.scale(site, idx));
            double[][] a = linear(y, p, lay.attnProjWeight(l), lay.attnProjBias(l), C);
            if (mask != null) drop(a, mask, 2 + 3 * l);
            add(x, a);
            double[][] h2 = layerNorm(x, p, lay.ln2Weight(l), lay.ln2Bias(l));
            double[][] f = linear(h2, p, lay.fcWeight(l), lay.fcBias(l), 4 * C);
            for (double[] row : f) for (int i = 0; i < row.length; i++) row[i] = gelu(row[i]);
            double[][] o = linear(f, p, lay.fcProjWeight(l), lay.fcProjBias(l), C);
            if (mask != null) drop(o, mask, 3 + 3 * l);
            add(x, o);
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

    static void drop(double[][] x, Mask mask, int site) {
        int C = x[0].length;
        for (int r = 0; r < x.length; r++) for (int c = 0; c < C; c++) x[r][c] *= mask.scale(site, r * C + c);
    }

    static double[][] layerNorm(double[][] x, double[] p, int w, int b) {
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

    static double[][] linear(double[][] x, double[] p, int w, int b, int oc) {
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
        return attention(qkv, B, T, C, NH, null);
    }

    /** Causal attention; {@code keep} (may be null) gives the dropout factor of probability ((b*NH+h)*T+t)*T+u. */
    public static double[][] attention(double[][] qkv, int B, int T, int C, int NH, java.util.function.IntToDoubleFunction keep) {
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
                        for (int u = 0; u <= t; u++) {
                            double k = keep == null ? 1 : keep.applyAsDouble(((b * NH + h) * T + t) * T + u);
                            acc += s[u] / sum * k * qkv[b * T + u][2 * C + h * hd + i];
                        }
                        out[b * T + t][h * hd + i] = acc;
                    }
                }
        return out;
    }

    static void add(double[][] x, double[][] y) {
        for (int r = 0; r < x.length; r++) for (int c = 0; c < x[r].length; c++) x[r][c] += y[r][c];
    }
}
