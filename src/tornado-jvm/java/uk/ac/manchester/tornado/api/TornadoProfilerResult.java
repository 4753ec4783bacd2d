/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoProfilerResult. On the JVM:
 * total time is measured around execute(), kernel time is the summed wall time of the task
 * invocations (also reported as dispatch-to-finish, i.e. getKernelDispatchTime is 0), all in ns;
 * there is no compilation and no data transfer, so those figures are 0. Figures are recorded
 * whether or not withProfiler() was called (the profiler mode only controls console output).
 */
package uk.ac.manchester.tornado.api;

public final class TornadoProfilerResult {

    private final String planName;
    private final long totalTime;
    private final long kernelTime;

    TornadoProfilerResult(String planName, long totalTime, long kernelTime) {
        this.planName = planName;
        this.totalTime = totalTime;
        this.kernelTime = kernelTime;
    }

    public long getTotalTime() {
        return totalTime;
    }

    public long getCompileTime() {
        return 0;
    }

    public long getTornadoCompilerTime() {
        return 0;
    }

    public long getDriverInstallTime() {
        return 0;
    }

    public long getDataTransfersTime() {
        return 0;
    }

    public long getDataTransferDispatchTime() {
        return 0;
    }

    public long getDeviceWriteTime() {
        return 0;
    }

    public long getDeviceReadTime() {
        return 0;
    }

    public long getKernelDispatchTime() {
        return 0;
    }

    public long getDeviceKernelTime() {
        return kernelTime;
    }

    public long getTotalBytesTransferred() {
        return 0;
    }

    public long getTotalDeviceMemoryUsage() {
        return 0;
    }

    /** Prints this profile as one JSON object on stdout. */
    public void dumpProfiles() {
        System.out.println(toString());
    }

    @Override
    public String toString() {
        return "{\"" + planName + "\": {\"TOTAL_TIME\": " + totalTime + ", \"TOTAL_KERNEL_TIME\": " + kernelTime
                + ", \"TOTAL_COPY_IN_SIZE_BYTES\": 0, \"TOTAL_COPY_OUT_SIZE_BYTES\": 0, \"DEVICE\": \"JVM\"}}";
    }
}
