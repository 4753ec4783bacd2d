package org.tornadogpt.runtime;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
    private final Map<String, TornadoDevice> phaseDevices; // program-name prefix -> device
    private final Map<Program, TornadoExecutionPlan> plans = new IdentityHashMap<>();
    private int graphCounter;

    public TornadoBackend() {
        this(null);
    }

    public TornadoBackend(TornadoDevice device) {
        this(device, Map.of());
    }

    /**
     * @param device       the device for every program, or null for TornadoVM's default device
     * @param phaseDevices devices for single phases: a program whose name is the key, or starts
     *                     with the key and '_', runs there (e.g. "backward" or "forward", which also
     *                     covers "forward_loss"). Each program is its own execution plan, so
     *                     programs on different devices share data only through what the programs
     *                     move to and from the host.
     */
    public TornadoBackend(TornadoDevice device, Map<String, TornadoDevice> phaseDevices) {
        this.device = device;
        this.phaseDevices = new LinkedHashMap<>(phaseDevices);
    }

    /** The device a program runs on (null: TornadoVM's default). */
    public TornadoDevice deviceFor(String programName) {
        for (var e : phaseDevices.entrySet()) {
            String k = e.getKey();
            if (programName.equals(k) || programName.startsWith(k + "_")) return e.getValue();
        }
        return device;
    }

    @Override
    public String name() {
        return "tornado";
    }

    @Override
    public String description() {
        StringBuilder sb = new StringBuilder("TornadoVM API, device ").append(device == null ? "default" : device.getDeviceName());
        phaseDevices.forEach((k, v) -> sb.append(", ").append(k).append(" on ").append(v.getDeviceName()));
        return sb.toString();
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
        for (Launch l : p.launches()) {
            l.addTo(g, l.id());
        }
        if (!p.everyToHostBuffers().isEmpty())
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, p.everyToHostBuffers().toArray());
        ImmutableTaskGraph itg = g.snapshot();
        TornadoExecutionPlan plan = new TornadoExecutionPlan(itg);
        TornadoDevice d = deviceFor(p.name());
        if (d != null) plan.withDevice(d);
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
