package org.tornadogpt.runtime;

import java.util.IdentityHashMap;
import java.util.Map;

import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;

import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Runs programs through the TornadoVM API: each program becomes one TaskGraph (its launches as
 * tasks, in order) snapshotted into an ImmutableTaskGraph and a TornadoExecutionPlan, built on the
 * first run and reused. Constants (weights) are transferred on the first execution only, inputs on
 * every execution, and only the program's host outputs come back.
 *
 * <p>With TornadoVM's SDK on the module path this JIT-compiles the kernels for the chosen device
 * (OpenCL, PTX or SPIR-V). With the project's JVM implementation of the API the plan runs the same
 * kernels sequentially on the calling thread, which proves the graph wiring against the fixtures.
 */
public final class TornadoBackend implements Backend {
    private final TornadoDevice device; // null: TornadoVM's default device
    private final Map<Program, TornadoExecutionPlan> plans = new IdentityHashMap<>();
    private int graphCounter;

    public TornadoBackend() {
        this(null);
    }

    public TornadoBackend(TornadoDevice device) {
        this.device = device;
    }

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String description() {
        return "TornadoVM API, device " + (device == null ? "default" : device.getDeviceName());
    }

    @Override
    public void run(Program program) {
        TornadoExecutionPlan plan = plans.computeIfAbsent(program, this::plan);
        plan.execute();
    }

    private TornadoExecutionPlan plan(Program p) {
        TaskGraph g = new TaskGraph(p.name() + "_" + (graphCounter++));
        if (!p.onceToDeviceBuffers().isEmpty())
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, p.onceToDeviceBuffers().toArray());
        if (!p.everyToDeviceBuffers().isEmpty())
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, p.everyToDeviceBuffers().toArray());
        // Shared state (the KV cache): one plan per program cannot yet share device buffers, so
        // copy it in and out around every run; correct on any device, and the place where
        // persistOnDevice/consumeFromDevice between the programs' graphs would go.
        if (!p.sharedBuffers().isEmpty())
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, p.sharedBuffers().toArray());
        for (Launch l : p.launches()) {
            l.addTo(g, l.id());
        }
        if (!p.everyToHostBuffers().isEmpty())
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, p.everyToHostBuffers().toArray());
        if (!p.sharedBuffers().isEmpty())
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, p.sharedBuffers().toArray());
        ImmutableTaskGraph itg = g.snapshot();
        TornadoExecutionPlan plan = new TornadoExecutionPlan(itg);
        if (device != null) plan.withDevice(device);
        return plan;
    }

    /** Frees the plan of a program that is no longer used. */
    public void forget(Program p) {
        TornadoExecutionPlan plan = plans.remove(p);
        if (plan != null) closeQuietly(plan);
    }

    @Override
    public void close() {
        for (TornadoExecutionPlan plan : plans.values()) closeQuietly(plan);
        plans.clear();
    }

    private static void closeQuietly(TornadoExecutionPlan plan) {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            // freeing device memory failed; nothing more to do at shutdown
        }
    }
}
