package org.tornadogpt.runtime;

import java.util.ArrayList;
import java.util.List;

import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * The TornadoVM backends and devices the runtime offers, in TornadoVM's numbering
 * ({@code BACKEND:DEVICE}, as {@code TornadoExecutionPlan.getDevice(b, d)} takes them). With a
 * TornadoVM SDK these are its OpenCL/PTX/SPIR-V devices; with the project's JVM implementation of
 * the API there is one backend, "JVM", with one device of type JAVA.
 */
public final class TornadoDevices {
    private TornadoDevices() {}

    private static final String JVM_RUNTIME = "uk.ac.manchester.tornado.api.runtime.JvmRuntime";

    /** A device's place in TornadoVM's numbering. */
    public record DeviceId(int backend, int device) {
        @Override
        public String toString() {
            return backend + ":" + device;
        }

        /** Parses "B:D" (both non-negative integers); one-line {@link IllegalArgumentException} otherwise. */
        public static DeviceId parse(String s) {
            String[] parts = s.trim().split(":", -1);
            if (parts.length != 2) throw new IllegalArgumentException("--device " + s + ": expected BACKEND:DEVICE, e.g. 0:0");
            try {
                int b = Integer.parseInt(parts[0].trim()), d = Integer.parseInt(parts[1].trim());
                if (b < 0 || d < 0) throw new NumberFormatException();
                return new DeviceId(b, d);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--device " + s + ": expected BACKEND:DEVICE with non-negative integers, e.g. 0:0");
            }
        }
    }

    /**
     * One device as the runtime reports it. Memory figures are bytes, or -1 when the runtime does
     * not say.
     */
    public record DeviceInfo(DeviceId id, String backendName, String backendType, String name, String type,
                             long globalMemory, long maxAlloc, boolean isDefault, String description) {}

    /** Whether the TornadoVM API is the project's own JVM implementation (no SDK). */
    public static boolean isJvmImplementation() {
        return TornadoRuntimeProvider.getTornadoRuntime().getClass().getName().equals(JVM_RUNTIME);
    }

    /** A one-line name of the runtime behind the API. */
    public static String runtimeName() {
        TornadoRuntime rt = TornadoRuntimeProvider.getTornadoRuntime();
        if (rt.getClass().getName().equals(JVM_RUNTIME))
            return "TornadoVM API, tornado-gpt's JVM implementation (no SDK: TaskGraphs run sequentially on the calling thread)";
        // the version is in the runtime jar's name (tornado-runtime-5.2.0-jdk25.jar)
        String version = safe(() -> {
            String f = java.nio.file.Path.of(rt.getClass().getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
            return f.startsWith("tornado-runtime-") && f.endsWith(".jar") ? f.substring(16, f.length() - 4) : null;
        }, null);
        return "TornadoVM SDK" + (version == null ? "" : " " + version) + " (" + rt.getClass().getName() + ")";
    }

    /**
     * Every device of every backend. Throws what the runtime throws when it cannot start (for
     * example, no OpenCL platform); callers report that in one line ({@link #oneLine}).
     */
    public static List<DeviceInfo> list() {
        TornadoRuntime rt = TornadoRuntimeProvider.getTornadoRuntime();
        String defaultName = safe(() -> rt.getDefaultDevice().getDeviceName(), null);
        List<DeviceInfo> out = new ArrayList<>();
        boolean defaultSeen = false;
        for (int b = 0; b < rt.getNumBackends(); b++) {
            var backend = rt.getBackend(b);
            String bname = safe(backend::getName, "backend " + b);
            String btype = safe(() -> String.valueOf(backend.getBackendType()), "?");
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice dev = backend.getDevice(d);
                // TornadoVM's device name is an id such as "opencl-0-0"; the physical device has the real name
                String id = safe(dev::getDeviceName, "device " + d);
                String physical = safe(() -> dev.getPhysicalDevice().getDeviceName(), id);
                String platform = safe(dev::getPlatformName, "");
                String name = physical.equals(id) ? id : physical + (platform.isBlank() ? "" : " (" + platform.strip() + ")");
                boolean isDefault = !defaultSeen && id.equals(defaultName);
                defaultSeen |= isDefault;
                out.add(new DeviceInfo(new DeviceId(b, d), bname, btype, name,
                        safe(() -> String.valueOf(dev.getDeviceType()), "?"),
                        safe(() -> dev.getPhysicalDevice().getDeviceGlobalMemorySize(), -1L),
                        safe(dev::getMaxAllocMemory, -1L),
                        isDefault,
                        safe(dev::getDescription, "")));
            }
        }
        return out;
    }

    /** The first line of a throwable's message, with its class when the message is empty. */
    public static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private interface Getter<T> {
        T get() throws Exception;
    }

    private static <T> T safe(Getter<T> g, T fallback) {
        try {
            T v = g.get();
            return v == null ? fallback : v;
        } catch (Exception | LinkageError e) {
            return fallback;
        }
    }
}
