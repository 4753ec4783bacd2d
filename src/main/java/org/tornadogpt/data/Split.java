package org.tornadogpt.data;

/** The parts a text is split into. {@link #label()} is the word used in messages. */
public enum Split {
    TRAIN("training"),
    VAL("validation"),
    TEST("test");

    private final String label;

    Split(String label) {
        this.label = label;
    }

    /** "training", "validation" or "test". */
    public String label() {
        return label;
    }
}
