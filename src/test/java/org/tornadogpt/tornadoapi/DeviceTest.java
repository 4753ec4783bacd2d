package org.tornadogpt.tornadoapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoDeviceMap;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoRuntimeException;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

class DeviceTest {

    @Test
    void runtimeListsTheJvmDevice() {
        TornadoRuntime rt = TornadoRuntimeProvider.getTornadoRuntime();
        assertEquals(1, rt.getNumBackends());
        assertEquals(TornadoVMBackendType.JAVA, rt.getBackendType(0));
        TornadoBackend backend = rt.getBackend(0);
        assertEquals("JVM", backend.getName());
        assertEquals(1, backend.getNumDevices());
        TornadoDevice device = backend.getDevice(0);
        String expected = "JVM (" + Runtime.getRuntime().availableProcessors() + " cores)";
        assertEquals(expected, device.getDeviceName());
        assertEquals(TornadoDeviceType.JAVA, device.getDeviceType());
        assertEquals(expected, device.getPhysicalDevice().getDeviceName());
        assertTrue(device.getPhysicalDevice().getDeviceGlobalMemorySize() >= Runtime.getRuntime().maxMemory()
                || device.getPhysicalDevice().getDeviceGlobalMemorySize() > 0);
        assertTrue(device.getMaxAllocMemory() > 0);
        assertTrue(device.getDescription().startsWith(expected));
        assertTrue(device.getPlatformName().contains(System.getProperty("java.version")));
        assertEquals(List.of(device), backend.getAllDevices());
        assertSame(device, rt.getDefaultDevice());
        assertSame(device, TornadoExecutionPlan.getDevice(0, 0));
        assertSame(device, TornadoExecutionPlan.DEFAULT_DEVICE);
        assertThrows(TornadoRuntimeException.class, () -> TornadoExecutionPlan.getDevice(0, 1));
        assertThrows(TornadoRuntimeException.class, () -> rt.getBackend(1));
        rt.setDefaultBackend(0);
    }

    @Test
    void deviceMapFindsByNameAndType() {
        TornadoDeviceMap map = TornadoExecutionPlan.getTornadoDeviceMap();
        TornadoDevice device = TornadoExecutionPlan.getDevice(0, 0);
        assertEquals(List.of(device), map.getDevicesByType(TornadoDeviceType.JAVA));
        assertEquals(List.of(), map.getDevicesByType(TornadoDeviceType.GPU));
        assertEquals(List.of(device), map.getDevicesByName(device.getDeviceName()));
        assertEquals(1, map.getNumBackends());
    }

    @Test
    void propertiesGoToSystemProperties() {
        TornadoRuntimeProvider.setProperty("tornadogpt.test.prop", "x");
        assertEquals("x", TornadoRuntimeProvider.getProperty("tornadogpt.test.prop"));
        assertEquals("d", TornadoRuntimeProvider.getProperty("tornadogpt.test.missing", "d"));
    }
}
