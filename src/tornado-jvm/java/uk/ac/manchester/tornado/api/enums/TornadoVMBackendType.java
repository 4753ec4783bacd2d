/* tornado-gpt: clean-room JVM version of TornadoVM's TornadoVMBackendType. The JVM backend is JAVA. */
package uk.ac.manchester.tornado.api.enums;

public enum TornadoVMBackendType {
    OPENCL, METAL, PTX, CUDA, SPIRV, JAVA, VIRTUAL
}
