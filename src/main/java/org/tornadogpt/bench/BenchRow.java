package org.tornadogpt.bench;

/**
 * One row of the comparison: a workload on one backend/device. Times in milliseconds, memory in
 * bytes; {@code ratioVsJvm} is the JVM backend's median time divided by this row's (above 1: faster
 * than the JVM), NaN without a JVM row. {@code error} is null for a row that ran.
 */
public record BenchRow(String device, String deviceId, String backend, String backendType, String workload, String model,
                       int batchSize, int context, int warmup, int steps, double medianMs, double minMs, double tokensPerS,
                       double gflops, long peakRssBytes, double checkValue, double ratioVsJvm, String error) {

    public boolean ok() {
        return error == null;
    }

    public BenchRow withRatio(double r) {
        return new BenchRow(device, deviceId, backend, backendType, workload, model, batchSize, context, warmup, steps,
                medianMs, minMs, tokensPerS, gflops, peakRssBytes, checkValue, r, error);
    }
}
