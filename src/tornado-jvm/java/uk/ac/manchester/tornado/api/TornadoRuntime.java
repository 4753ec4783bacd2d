/* tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoRuntime (interface, sheet methods only). */
package uk.ac.manchester.tornado.api;

import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;

public interface TornadoRuntime {

    int getNumBackends();

    TornadoBackend getBackend(int index);

    TornadoVMBackendType getBackendType(int index);

    TornadoDevice getDefaultDevice();

    void setDefaultBackend(int index);
}
