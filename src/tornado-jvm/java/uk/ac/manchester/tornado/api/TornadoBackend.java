/* tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoBackend (interface, sheet methods only). */
package uk.ac.manchester.tornado.api;

import java.util.List;

import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

public interface TornadoBackend {

    int getNumDevices();

    TornadoDevice getDevice(int index);

    List<TornadoDevice> getAllDevices();

    String getName();

    TornadoVMBackendType getBackendType();
}
