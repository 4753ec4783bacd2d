/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.TornadoExecutionPlan
 * (docs/tornado-api-facts.md). execute() runs the tasks of the selected graph, or of every
 * graph in order, sequentially on the calling thread in insertion order; data transfers are
 * no-ops. Choices and differences:
 * - declared final (the real class is sealed, permitting its internal ExecutionPlanType); every
 *   with.../without... method configures this plan and returns it;
 * - withGraph(i) selects graph i for every following execute until withAllGraphs();
 * - warm-up (withWarmUpIterations/withWarmUpTime) really executes the tasks, so it has their
 *   side effects, as the real warm-up runs the kernels;
 * - devices, grid schedulers, batch and memory-limit settings are validated and recorded only;
 *   thread-info, print-kernel and pre-compilation are no-ops (there is no kernel);
 * - using a closed plan throws TornadoRuntimeException; close() is idempotent;
 * - left out: getPlanResult, mapOnDeviceMemoryRegion.
 */
package uk.ac.manchester.tornado.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import uk.ac.manchester.tornado.api.common.TaskPackage;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.exceptions.TornadoRuntimeException;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

public final class TornadoExecutionPlan implements AutoCloseable {

    public static TornadoDevice DEFAULT_DEVICE = TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();

    private static final AtomicLong TOTAL_PLANS = new AtomicLong();

    private final List<ImmutableTaskGraph> graphs;
    private final long planId;
    private int selectedGraph = -1; // -1: all graphs
    private ProfilerMode profilerMode; // null: profiler off
    private TornadoDevice device = DEFAULT_DEVICE;
    private final Map<String, TornadoDevice> taskDevices = new HashMap<>();
    private GridScheduler gridScheduler;
    private String batchSize;
    private String memoryLimit;
    private boolean closed;

    public TornadoExecutionPlan(ImmutableTaskGraph... immutableTaskGraphs) {
        Objects.requireNonNull(immutableTaskGraphs, "immutable task graphs");
        if (immutableTaskGraphs.length == 0) {
            throw new TornadoRuntimeException("an execution plan needs at least one immutable task graph");
        }
        for (ImmutableTaskGraph g : immutableTaskGraphs) {
            Objects.requireNonNull(g, "immutable task graph");
        }
        this.graphs = List.of(immutableTaskGraphs);
        this.planId = TOTAL_PLANS.getAndIncrement();
    }

    public TornadoExecutionResult execute() {
        checkOpen();
        long start = System.nanoTime();
        long kernelTime = 0;
        for (int g = 0; g < graphs.size(); g++) {
            if (selectedGraph >= 0 && g != selectedGraph) {
                continue;
            }
            for (TaskPackage task : graphs.get(g).tasks()) {
                long t0 = System.nanoTime();
                TaskInvoker.invoke(task);
                kernelTime += System.nanoTime() - t0;
            }
        }
        long total = System.nanoTime() - start;
        TornadoProfilerResult profile = new TornadoProfilerResult(planName(), total, kernelTime);
        if (profilerMode == ProfilerMode.CONSOLE) {
            profile.dumpProfiles();
        }
        return new TornadoExecutionResult(profile);
    }

    private String planName() {
        return selectedGraph >= 0 ? graphs.get(selectedGraph).name() : "executionPlan" + planId;
    }

    public TornadoExecutionPlan withDevice(TornadoDevice device) {
        checkOpen();
        this.device = Objects.requireNonNull(device, "device");
        return this;
    }

    /** taskName is "graphName.taskId". */
    public TornadoExecutionPlan withDevice(String taskName, TornadoDevice device) {
        checkOpen();
        taskDevices.put(Objects.requireNonNull(taskName, "task name"), Objects.requireNonNull(device, "device"));
        return this;
    }

    public TornadoExecutionPlan withGridScheduler(GridScheduler gridScheduler) {
        checkOpen();
        this.gridScheduler = Objects.requireNonNull(gridScheduler, "grid scheduler");
        return this;
    }

    public TornadoExecutionPlan withDefaultScheduler() {
        checkOpen();
        this.gridScheduler = null;
        return this;
    }

    public TornadoExecutionPlan withProfiler(ProfilerMode mode) {
        checkOpen();
        this.profilerMode = Objects.requireNonNull(mode, "profiler mode");
        return this;
    }

    public TornadoExecutionPlan withoutProfiler() {
        checkOpen();
        this.profilerMode = null;
        return this;
    }

    public TornadoExecutionPlan clearProfiles() {
        checkOpen();
        return this;
    }

    /** Executes the plan {@code iterations} times (with the tasks' side effects). */
    public TornadoExecutionPlan withWarmUpIterations(int iterations) {
        for (int i = 0; i < iterations; i++) {
            execute();
        }
        return this;
    }

    /** Executes the plan repeatedly for about {@code milliseconds} ms (with the tasks' side effects). */
    public TornadoExecutionPlan withWarmUpTime(long milliseconds) throws InterruptedException {
        long deadline = System.nanoTime() + milliseconds * 1_000_000L;
        while (System.nanoTime() - deadline < 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException("warm-up interrupted");
            }
            execute();
        }
        return this;
    }

    public TornadoExecutionPlan withPreCompilation() {
        checkOpen();
        return this;
    }

    /** Selects graph {@code index} for the following executions (until withAllGraphs()). */
    public TornadoExecutionPlan withGraph(int index) {
        checkOpen();
        if (index < 0 || index >= graphs.size()) {
            throw new TornadoRuntimeException("graph index " + index + " out of range [0, " + graphs.size() + ")");
        }
        this.selectedGraph = index;
        return this;
    }

    public TornadoExecutionPlan withAllGraphs() {
        checkOpen();
        this.selectedGraph = -1;
        return this;
    }

    public TornadoExecutionPlan withBatch(String batchSize) {
        checkOpen();
        this.batchSize = Objects.requireNonNull(batchSize, "batch size");
        return this;
    }

    public TornadoExecutionPlan withMemoryLimit(String memoryLimit) {
        checkOpen();
        this.memoryLimit = Objects.requireNonNull(memoryLimit, "memory limit");
        return this;
    }

    public TornadoExecutionPlan withoutMemoryLimit() {
        checkOpen();
        this.memoryLimit = null;
        return this;
    }

    public TornadoExecutionPlan withThreadInfo() {
        checkOpen();
        return this;
    }

    public TornadoExecutionPlan withoutThreadInfo() {
        checkOpen();
        return this;
    }

    public TornadoExecutionPlan withPrintKernel() {
        checkOpen();
        return this;
    }

    public TornadoExecutionPlan withoutPrintKernel() {
        checkOpen();
        return this;
    }

    public void freeDeviceMemory() {
        checkOpen();
    }

    /** Bytes held on the device: always 0, there is no separate device memory. */
    public long getCurrentDeviceMemoryUsage() {
        return 0;
    }

    @Override
    public void close() throws TornadoExecutionPlanException {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public static TornadoDevice getDevice(int backendIndex, int deviceIndex) {
        return TornadoRuntimeProvider.getTornadoRuntime().getBackend(backendIndex).getDevice(deviceIndex);
    }

    public static TornadoDeviceMap getTornadoDeviceMap() {
        return new TornadoDeviceMap();
    }

    /** Number of plans created in this JVM. */
    public static long getTotalPlans() {
        return TOTAL_PLANS.get();
    }

    private void checkOpen() {
        if (closed) {
            throw new TornadoRuntimeException("execution plan " + planId + " is closed");
        }
    }

    @Override
    public String toString() {
        return "TornadoExecutionPlan[" + planId + ", graphs=" + graphs + ", device=" + device
                + (taskDevices.isEmpty() ? "" : ", taskDevices=" + taskDevices)
                + (gridScheduler == null ? "" : ", " + gridScheduler)
                + (batchSize == null ? "" : ", batch=" + batchSize)
                + (memoryLimit == null ? "" : ", memoryLimit=" + memoryLimit) + "]";
    }
}
