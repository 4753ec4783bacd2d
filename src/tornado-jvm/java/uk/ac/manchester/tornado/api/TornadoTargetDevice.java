/* tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoTargetDevice (interface, sheet methods only). */
package uk.ac.manchester.tornado.api;

public interface TornadoTargetDevice {

    String getDeviceName();

    /** In bytes. */
    long getDeviceGlobalMemorySize();
}
