/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.common.TornadoDevice (interface), with
 * only the methods listed in docs/tornado-api-facts.md.
 */
package uk.ac.manchester.tornado.api.common;

import uk.ac.manchester.tornado.api.TornadoTargetDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;

public interface TornadoDevice {

    String getDeviceName();

    String getDescription();

    String getPlatformName();

    TornadoDeviceType getDeviceType();

    TornadoTargetDevice getPhysicalDevice();

    /** Largest single allocation, in bytes. */
    long getMaxAllocMemory();
}
