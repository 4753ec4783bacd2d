/* tornado-gpt: clean-room JVM version of TornadoVM's TornadoDeviceType. The JVM device is JAVA. */
package uk.ac.manchester.tornado.api.enums;

public enum TornadoDeviceType {
    CPU, GPU, FPGA, ACCELERATOR, CUSTOM, DEFAULT, JAVA
}
