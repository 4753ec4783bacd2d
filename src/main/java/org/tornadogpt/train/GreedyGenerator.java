package org.tornadogpt.train;

import org.tornadogpt.runtime.ModelRunner;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The book's {@code generate_text_simple}: append the argmax of the last position's logits, one
 * token at a time, with the context cropped to the model's last {@code contextLength} tokens.
 *
 * <p>Without a KV cache every token reruns the forward pass over the whole (cropped) context. To
 * keep the number of batch shapes small, the context is padded at the end to the next power of two
 * (at least 8, at most the model's context length); causal attention means padding never changes
 * the logits of the real positions. Runs in eval mode (the forward programs have no dropout).
 */
public final class GreedyGenerator implements Trainer.Generator {
    private final ModelRunner runner;

    public GreedyGenerator(ModelRunner runner) {
        this.runner = runner;
    }

    @Override
    public int[] generate(int[] prompt, int maxNewTokens) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty; give at least one token");
        int tmax = runner.model().config().contextLength();
        int V = runner.model().config().vocabSize();
        int[] ids = new int[prompt.length + maxNewTokens];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        int n = prompt.length;
        for (int k = 0; k < maxNewTokens; k++) {
            int len = Math.min(n, tmax);
            int T = Math.min(tmax, Math.max(8, Integer.highestOneBit(len - 1) << 1));
            if (T < len) T = len;
            int[] window = new int[T];
            System.arraycopy(ids, n - len, window, 0, len);
            FloatArray logits = runner.logits(window, 1, T);
            int row = (len - 1) * V;
            int best = 0;
            float bestValue = logits.get(row);
            for (int v = 1; v < V; v++) {
                float x = logits.get(row + v);
                if (x > bestValue) { // first maximum on ties, like torch.argmax
                    bestValue = x;
                    best = v;
                }
            }
            ids[n++] = best;
        }
        return ids;
    }
}
