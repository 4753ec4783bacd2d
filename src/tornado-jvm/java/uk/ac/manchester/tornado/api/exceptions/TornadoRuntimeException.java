/* tornado-gpt: clean-room JVM version of TornadoVM's TornadoRuntimeException (unchecked). */
package uk.ac.manchester.tornado.api.exceptions;

public class TornadoRuntimeException extends RuntimeException {

    public TornadoRuntimeException(String message) {
        super(message);
    }

    public TornadoRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }

    public TornadoRuntimeException(Throwable cause) {
        super(cause);
    }
}
