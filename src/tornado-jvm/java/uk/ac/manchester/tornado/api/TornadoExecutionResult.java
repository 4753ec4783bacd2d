/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoExecutionResult. Results are ready
 * as soon as execute() returns, and transferToHost is a no-op because host and "device" share
 * memory. Left out: transferToHost(DataRange) (no DataRange type here).
 */
package uk.ac.manchester.tornado.api;

import java.util.Objects;

public final class TornadoExecutionResult {

    private final TornadoProfilerResult profilerResult;

    TornadoExecutionResult(TornadoProfilerResult profilerResult) {
        this.profilerResult = profilerResult;
    }

    public TornadoProfilerResult getProfilerResult() {
        return profilerResult;
    }

    /** Copies UNDER_DEMAND data back to the host: nothing to do on the JVM. */
    public TornadoExecutionResult transferToHost(Object... objects) {
        Objects.requireNonNull(objects, "objects");
        return this;
    }

    public boolean isReady() {
        return true;
    }
}
