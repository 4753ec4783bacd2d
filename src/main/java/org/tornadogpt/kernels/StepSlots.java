package org.tornadogpt.kernels;

/**
 * Slot indices of the two small arrays that carry per-step values into kernels. TornadoVM captures
 * scalar kernel arguments when a TaskGraph is built, so anything that changes between runs of a
 * program (learning rate, bias corrections, step number, dropout rate, evaluation window) lives in
 * these arrays, which the programs copy to the device on every run.
 *
 * <pre>
 * ints   (INTS)    STEP, SEED_LO, SEED_HI, DROP_THRESHOLD, ROWS, COLS
 * floats (FLOATS)  LR, BETA1, BETA2, EPS, DECAY, STEP_SIZE, BC2_SQRT, MAX_NORM
 * </pre>
 */
public final class StepSlots {
    private StepSlots() {}

    /** AdamW step t being taken (1-based); part of the dropout hash key. */
    public static final int STEP = 0;
    /** Low and high 32 bits of the dropout seed. */
    public static final int SEED_LO = 1;
    public static final int SEED_HI = 2;
    /**
     * Dropout rate as a threshold on 24 uniform bits: an element is dropped when its 24-bit hash
     * is below it; 0 turns dropout off (every element kept, scale exactly 1). See {@link DropoutKernels}.
     */
    public static final int DROP_THRESHOLD = 3;
    /** Evaluation window: the loss averages positions (b, t) with b &lt; ROWS and t &lt; COLS. */
    public static final int ROWS = 4;
    public static final int COLS = 5;
    public static final int INTS = 6;

    public static final int LR = 0;
    public static final int BETA1 = 1;
    public static final int BETA2 = 2;
    public static final int EPS = 3;
    /** Decoupled weight decay factor 1 - lr * weight_decay. */
    public static final int DECAY = 4;
    /** lr / (1 - beta1^t). */
    public static final int STEP_SIZE = 5;
    /** sqrt(1 - beta2^t). */
    public static final int BC2_SQRT = 6;
    /** Gradient clipping threshold on the global L2 norm; &lt;= 0 means no clipping. */
    public static final int MAX_NORM = 7;
    public static final int FLOATS = 8;
}
