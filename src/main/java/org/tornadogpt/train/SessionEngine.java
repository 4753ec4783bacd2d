package org.tornadogpt.train;

import org.tornadogpt.model.GptModel;
import org.tornadogpt.runtime.Backend;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** {@link Trainer.Engine} over the runtime's training session (forward, backward, AdamW on a backend). */
public final class SessionEngine implements Trainer.Engine {

    private SessionEngine() {
    }

    /** Opens a session for the run's batch shape, optimizer settings, dropout and seed. */
    public static SessionEngine open(GptModel model, Backend backend, TrainConfig cfg) {
        throw new UnsupportedOperationException("training needs the backward pass (issue 3), which is not on this branch yet");
    }

    @Override
    public float step(int[] inputs, int[] targets, float lr) {
        throw new UnsupportedOperationException();
    }

    @Override
    public float evalLoss(int[] inputs, int[] targets, int B, int T) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FloatArray adamM() {
        throw new UnsupportedOperationException();
    }

    @Override
    public FloatArray adamV() {
        throw new UnsupportedOperationException();
    }

    @Override
    public long optimizerSteps() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setOptimizerSteps(long t) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
