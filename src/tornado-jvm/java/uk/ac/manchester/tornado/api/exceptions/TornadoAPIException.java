/* tornado-gpt: clean-room JVM version of TornadoVM's TornadoAPIException (unchecked). */
package uk.ac.manchester.tornado.api.exceptions;

public class TornadoAPIException extends RuntimeException {

    public TornadoAPIException(String message) {
        super(message);
    }

    public TornadoAPIException(String message, Throwable cause) {
        super(message, cause);
    }

    public TornadoAPIException(Throwable cause) {
        super(cause);
    }
}
