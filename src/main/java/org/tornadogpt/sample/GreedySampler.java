package org.tornadogpt.sample;

/** Temperature 0: the argmax, lowest index on ties. */
final class GreedySampler implements Sampler {

    @Override
    public int sample(float[] logits, int vocabSize) {
        return Samplers.argmax(logits, vocabSize);
    }

    @Override
    public String toString() {
        return "GreedySampler";
    }
}
