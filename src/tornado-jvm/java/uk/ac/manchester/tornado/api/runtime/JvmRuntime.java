/*
 * tornado-gpt: the JVM runtime behind TornadoRuntimeProvider (not part of TornadoVM's API).
 * Exactly one backend, "JVM" (type JAVA), holding one device "JVM (N cores)" (type JAVA).
 * Memory figures: getDeviceGlobalMemorySize() is the machine's total physical memory when the
 * platform MXBean reports it (off-heap arrays live there, outside the heap), otherwise the JVM
 * max heap; getMaxAllocMemory() is the same figure. The description shows both numbers.
 */
package uk.ac.manchester.tornado.api.runtime;

import java.lang.management.ManagementFactory;
import java.util.List;

import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.TornadoTargetDevice;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoRuntimeException;

final class JvmRuntime implements TornadoRuntime {

    static final JvmRuntime INSTANCE = new JvmRuntime();

    private final JvmBackend backend = new JvmBackend();

    @Override
    public int getNumBackends() {
        return 1;
    }

    @Override
    public TornadoBackend getBackend(int index) {
        checkIndex(index, 1, "backend");
        return backend;
    }

    @Override
    public TornadoVMBackendType getBackendType(int index) {
        return getBackend(index).getBackendType();
    }

    @Override
    public TornadoDevice getDefaultDevice() {
        return backend.device;
    }

    @Override
    public void setDefaultBackend(int index) {
        checkIndex(index, 1, "backend");
    }

    static void checkIndex(int index, int count, String what) {
        if (index < 0 || index >= count) {
            throw new TornadoRuntimeException(what + " index " + index + " out of range [0, " + count + ")");
        }
    }

    private static final class JvmBackend implements TornadoBackend {

        private final JvmDevice device = new JvmDevice();

        @Override
        public int getNumDevices() {
            return 1;
        }

        @Override
        public TornadoDevice getDevice(int index) {
            checkIndex(index, 1, "device");
            return device;
        }

        @Override
        public List<TornadoDevice> getAllDevices() {
            return List.of(device);
        }

        @Override
        public String getName() {
            return "JVM";
        }

        @Override
        public TornadoVMBackendType getBackendType() {
            return TornadoVMBackendType.JAVA;
        }

        @Override
        public String toString() {
            return "TornadoBackend[JVM]";
        }
    }

    private static final class JvmDevice implements TornadoDevice, TornadoTargetDevice {

        private final String name = "JVM (" + Runtime.getRuntime().availableProcessors() + " cores)";
        private final long maxHeap = Runtime.getRuntime().maxMemory();
        private final long physical = physicalMemory();

        private static long physicalMemory() {
            try {
                if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                    return os.getTotalMemorySize();
                }
            } catch (RuntimeException | LinkageError e) {
                // jdk.management not available: fall back to the heap size
            }
            return -1;
        }

        @Override
        public String getDeviceName() {
            return name;
        }

        @Override
        public String getDescription() {
            return name + ", max heap " + (maxHeap >> 20) + " MiB, physical memory "
                    + (physical > 0 ? (physical >> 20) + " MiB" : "unknown");
        }

        @Override
        public String getPlatformName() {
            return "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
        }

        @Override
        public TornadoDeviceType getDeviceType() {
            return TornadoDeviceType.JAVA;
        }

        @Override
        public TornadoTargetDevice getPhysicalDevice() {
            return this;
        }

        @Override
        public long getMaxAllocMemory() {
            return getDeviceGlobalMemorySize();
        }

        @Override
        public long getDeviceGlobalMemorySize() {
            return physical > 0 ? physical : maxHeap;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
