/* tornado-gpt: clean-room JVM version of TornadoVM's TornadoExecutionPlanException (checked, as in the real API). */
package uk.ac.manchester.tornado.api.exceptions;

public class TornadoExecutionPlanException extends Exception {

    public TornadoExecutionPlanException(String message) {
        super(message);
    }

    public TornadoExecutionPlanException(String message, Throwable cause) {
        super(message, cause);
    }

    public TornadoExecutionPlanException(Throwable cause) {
        super(cause);
    }
}
