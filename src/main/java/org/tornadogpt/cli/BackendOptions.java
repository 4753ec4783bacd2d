package org.tornadogpt.cli;

import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TornadoBackend;

import picocli.CommandLine.Option;

/** Where the kernels run. */
public final class BackendOptions {

    /** The runtimes a command can choose. */
    public enum Kind { jvm, tornado }

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "jvm",
            description = "jvm: all cores of this JVM (default); tornado: TaskGraphs through the TornadoVM API (a GPU with the TornadoVM SDK).")
    Kind kind = Kind.jvm;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the jvm backend (default: all cores).")
    Integer threads;

    public Backend create() {
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        return switch (kind) {
            case jvm -> new JvmBackend(threads == null ? Runtime.getRuntime().availableProcessors() : threads, true);
            case tornado -> new TornadoBackend();
        };
    }
}
