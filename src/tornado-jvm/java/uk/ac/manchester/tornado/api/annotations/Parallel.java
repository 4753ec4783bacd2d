/*
 * tornado-gpt: clean-room JVM version of TornadoVM's @Parallel (from docs/tornado-api-facts.md).
 * Marks a loop index (`for (@Parallel int i = 0; ...)`) as a parallel dimension. On the JVM the
 * loop simply runs sequentially; the annotation is only metadata.
 */
package uk.ac.manchester.tornado.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.LOCAL_VARIABLE, ElementType.TYPE, ElementType.TYPE_USE, ElementType.TYPE_PARAMETER })
public @interface Parallel {
}
