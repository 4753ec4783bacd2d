/* tornado-gpt: clean-room JVM version of TornadoVM's ProfilerMode (docs/tornado-api-facts.md). */
package uk.ac.manchester.tornado.api.enums;

public enum ProfilerMode {
    /** Print the profile of every execution to stdout. */
    CONSOLE,
    /** Only record the profile; read it with TornadoExecutionResult.getProfilerResult(). */
    SILENT
}
