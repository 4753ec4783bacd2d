package org.tornadogpt.testutil;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * Memory figures for tests and probes of device-memory release: the process RSS, and the device
 * buffers TornadoVM's buffer provider holds for a device.
 *
 * <p>TornadoVM 5.2's public API has no device-wide figure ({@code TornadoExecutionPlan
 * .getCurrentDeviceMemoryUsage()} sums the graphs the plan has currently selected). Every device
 * buffer of the OpenCL, PTX and SPIR-V backends comes from the device context's
 * {@code TornadoBufferProvider} ({@code drivers.common}), which lists the buffers in use and the
 * released ones it keeps for reuse. This reads those lists by reflection, so it needs the two
 * packages opened to the class path, e.g. for the OpenCL backend:
 * {@code --add-opens tornado.drivers.opencl/uk.ac.manchester.tornado.drivers.opencl=ALL-UNNAMED
 * --add-opens tornado.drivers.common/uk.ac.manchester.tornado.drivers.common=ALL-UNNAMED}
 * (the tornadovm profile's surefire argLine has them). Without them, or on the project's JVM
 * implementation of the API, {@link #deviceBuffers} returns null.
 */
public final class TornadoMemory {
    private TornadoMemory() {}

    /** Device buffers: in use (count, bytes) and released but still allocated (count, bytes). */
    public record Buffers(int used, long usedBytes, int free, long freeBytes) {}

    /** The buffers of TornadoVM's default device, or null when they cannot be read. */
    public static Buffers deviceBuffers() {
        return deviceBuffers(TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice());
    }

    /** The buffers TornadoVM holds on {@code device}, or null when they cannot be read. */
    public static Buffers deviceBuffers(TornadoDevice device) {
        try {
            // TornadoDevice.getDeviceContext() is public API, but not in the project's JVM
            // implementation of it (NoSuchMethodException there)
            Object ctx = TornadoDevice.class.getMethod("getDeviceContext").invoke(device);
            if (ctx == null) return null;
            Method gbp = findMethod(ctx.getClass(), "getBufferProvider");
            if (gbp == null) return null;
            gbp.setAccessible(true);
            Object provider = gbp.invoke(ctx);
            if (provider == null) return null;
            long[] used = sum(field(provider, "usedBuffers")), free = sum(field(provider, "freeBuffers"));
            return new Buffers((int) used[0], used[1], (int) free[0], free[1]);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Resident set size of this process in bytes (VmRSS), -1 when unknown. */
    public static long rssBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.substring(6).trim().split("\\s+")[0]) * 1024L;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static Method findMethod(Class<?> c, String name) {
        for (; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) if (m.getName().equals(name) && m.getParameterCount() == 0) return m;
        }
        return null;
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    /** Count and total size of the buffer records in a map of access -> list of buffers. */
    private static long[] sum(Object byAccess) throws ReflectiveOperationException {
        long n = 0, bytes = 0;
        for (Object list : ((Map<?, ?>) byAccess).values()) {
            for (Object b : (List<?>) list) {
                n++;
                bytes += ((Number) sizeOf(b)).longValue();
            }
        }
        return new long[] {n, bytes};
    }

    private static Object sizeOf(Object bufferRecord) throws ReflectiveOperationException {
        for (RecordComponent rc : bufferRecord.getClass().getRecordComponents()) {
            if (rc.getName().equals("size")) {
                Method m = rc.getAccessor();
                m.setAccessible(true);
                return m.invoke(bufferRecord);
            }
        }
        throw new NoSuchFieldException("size");
    }
}
