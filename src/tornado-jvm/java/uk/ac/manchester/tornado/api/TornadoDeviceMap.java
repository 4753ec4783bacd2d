/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoDeviceMap: a view over the
 * devices of every backend of the current runtime. The sheet gives no return types; these
 * methods return List<TornadoDevice>. getDevicesByName matches the device name exactly.
 */
package uk.ac.manchester.tornado.api;

import java.util.ArrayList;
import java.util.List;

import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

public class TornadoDeviceMap {

    public int getNumBackends() {
        return TornadoRuntimeProvider.getTornadoRuntime().getNumBackends();
    }

    public List<TornadoBackend> getAllBackends() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<TornadoBackend> out = new ArrayList<>();
        for (int i = 0; i < runtime.getNumBackends(); i++) {
            out.add(runtime.getBackend(i));
        }
        return out;
    }

    public List<TornadoDevice> getDevicesByName(String deviceName) {
        List<TornadoDevice> out = new ArrayList<>();
        for (TornadoBackend backend : getAllBackends()) {
            for (TornadoDevice device : backend.getAllDevices()) {
                if (device.getDeviceName().equals(deviceName)) {
                    out.add(device);
                }
            }
        }
        return out;
    }

    public List<TornadoDevice> getDevicesByType(TornadoDeviceType type) {
        List<TornadoDevice> out = new ArrayList<>();
        for (TornadoBackend backend : getAllBackends()) {
            for (TornadoDevice device : backend.getAllDevices()) {
                if (device.getDeviceType() == type) {
                    out.add(device);
                }
            }
        }
        return out;
    }
}
