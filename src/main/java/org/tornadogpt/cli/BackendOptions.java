package org.tornadogpt.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tornadogpt.runtime.Backend;
import org.tornadogpt.runtime.JvmBackend;
import org.tornadogpt.runtime.TornadoBackend;
import org.tornadogpt.runtime.TornadoDevices;

import picocli.CommandLine.Option;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

/**
 * Where the kernels run: {@code --backend jvm|tornado}, {@code --device BACKEND:DEVICE} (TornadoVM's
 * numbering, as {@code devices} lists it; also {@code PHASE=BACKEND:DEVICE} for one phase) and
 * {@code --threads N} for the JVM backend. A picocli mixin; {@link #create()} makes the backend.
 */
public final class BackendOptions {

    /** The backend kinds. */
    public enum Kind { jvm, tornado }

    @Option(names = "--backend", paramLabel = "jvm|tornado",
            description = "Where kernels run: jvm (all cores of this JVM, the default) or tornado (TaskGraphs through the TornadoVM API;"
                    + " with a TornadoVM SDK JIT-compiled for its device, without one on the API's JVM implementation).")
    Kind backend;

    @Option(names = "--device", paramLabel = "[PHASE=]B:D",
            description = "TornadoVM device as BACKEND:DEVICE indexes (see the devices command), e.g. 0:0; implies --backend tornado."
                    + " PHASE=B:D puts the programs of one phase (forward, backward, update, ...) on another device. Repeatable.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads of the jvm backend (default: all cores).")
    Integer threads;

    @Option(names = "--no-fast-paths",
            description = "jvm backend: run the portable kernels only, without the Vector API fast paths.")
    boolean noFastPaths;

    /** The backend kind after defaults: tornado when a device is given, jvm otherwise. */
    public Kind kind() {
        if (backend != null) return backend;
        return devices.isEmpty() ? Kind.jvm : Kind.tornado;
    }

    /** Worker threads for the JVM backend. */
    public int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    }

    public boolean fastPaths() {
        return !noFastPaths;
    }

    /**
     * Makes the chosen backend. Throws {@link IllegalArgumentException} with a one-line message for
     * a bad choice (unknown device, --device with --backend jvm, --threads below 1).
     */
    public Backend create() {
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        if (kind() == Kind.jvm) {
            if (!devices.isEmpty()) throw new IllegalArgumentException("--device selects a TornadoVM device; it needs --backend tornado");
            return new JvmBackend(threads(), fastPaths());
        }
        TornadoDevice main = null;
        Map<String, TornadoDevice> phases = new LinkedHashMap<>();
        for (String d : devices) {
            int eq = d.indexOf('=');
            if (eq >= 0) {
                String phase = d.substring(0, eq).trim();
                if (phase.isEmpty()) throw new IllegalArgumentException("--device " + d + ": expected PHASE=BACKEND:DEVICE");
                phases.put(phase, resolve(TornadoDevices.DeviceId.parse(d.substring(eq + 1))));
            } else {
                if (main != null) throw new IllegalArgumentException("--device given twice without a phase: " + devices);
                main = resolve(TornadoDevices.DeviceId.parse(d));
            }
        }
        return new TornadoBackend(main, phases);
    }

    /**
     * Resolves a device through {@code TornadoExecutionPlan.getDevice(b, d)}, checking the indexes
     * against the runtime first so that a bad one gives a one-line error.
     */
    public static TornadoDevice resolve(TornadoDevices.DeviceId id) {
        List<String> available;
        try {
            available = TornadoDevices.list().stream().map(d -> d.id().toString()).toList();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException("--device " + id + ": the TornadoVM runtime is not available (" + TornadoDevices.oneLine(e) + ")");
        }
        if (!available.contains(id.toString()))
            throw new IllegalArgumentException("--device " + id + ": no such TornadoVM device; available: "
                    + (available.isEmpty() ? "none" : String.join(", ", available)) + " (see the devices command)");
        try {
            TornadoDevice dev = TornadoExecutionPlan.getDevice(id.backend(), id.device());
            if (dev == null) throw new IllegalArgumentException("--device " + id + ": TornadoVM returned no device");
            return dev;
        } catch (RuntimeException | LinkageError e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("--device " + id + ": " + TornadoDevices.oneLine(e));
        }
    }

    /** A short description of the choice, for logs and tables. */
    public String describe() {
        return kind() == Kind.jvm ? "jvm, " + threads() + " threads" : "tornado" + (devices.isEmpty() ? " (default device)" : " " + devices);
    }
}
