package org.tornadogpt.runtime;

import org.tornadogpt.graphs.Activations;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.model.GptModel;

/** Attaches the JVM fast paths (Vector API GEMMs) to a program when it runs on the JVM backend. */
final class Fast {
    private Fast() {}

    static Program attach(Program p, GptModel model, Activations a, Backend backend) {
        return p;
    }
}
