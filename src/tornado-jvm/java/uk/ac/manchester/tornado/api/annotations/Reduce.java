/*
 * tornado-gpt: clean-room JVM version of TornadoVM's @Reduce (from docs/tornado-api-facts.md).
 * Placed on the reduction output array. Only metadata on the JVM.
 */
package uk.ac.manchester.tornado.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.PARAMETER, ElementType.LOCAL_VARIABLE, ElementType.FIELD })
public @interface Reduce {
}
