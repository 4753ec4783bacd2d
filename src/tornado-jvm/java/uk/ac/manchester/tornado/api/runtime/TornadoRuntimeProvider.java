/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.runtime.TornadoRuntimeProvider.
 * getTornadoRuntime() always returns the built-in JVM runtime (one backend "JVM" of type JAVA
 * with one device); the tornado.load.* properties are not consulted. Properties are the JVM's
 * system properties.
 */
package uk.ac.manchester.tornado.api.runtime;

import uk.ac.manchester.tornado.api.TornadoRuntime;

public final class TornadoRuntimeProvider {

    private TornadoRuntimeProvider() {
    }

    public static TornadoRuntime getTornadoRuntime() {
        return JvmRuntime.INSTANCE;
    }

    public static String getProperty(String key) {
        return System.getProperty(key);
    }

    public static String getProperty(String key, String defaultValue) {
        return System.getProperty(key, defaultValue);
    }

    public static void setProperty(String key, String value) {
        System.setProperty(key, value);
    }
}
