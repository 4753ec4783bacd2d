package org.tornadogpt.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;

import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Runs programs through the TornadoVM API: each program becomes one TaskGraph (its launches as
 * tasks, in order) snapshotted into an ImmutableTaskGraph and a TornadoExecutionPlan, built on the
 * first run and reused. Constants (weights) are transferred on the first execution only, inputs on
 * every execution, and only the program's host outputs come back.
 *
 * <p>A {@linkplain #group group} of programs becomes one plan with one graph per program, run with
 * {@code withGraph(i).execute()}; buffers a program persists are consumed by the later graphs from
 * the device ({@code persistOnDevice}/{@code consumeFromDevice}), so parameters, gradients and
 * optimizer state never leave the device during training. {@link #toHost} copies persisted buffers
 * back on demand through the last execution result.
 *
 * <p>With TornadoVM's SDK on the module path this JIT-compiles the kernels for the chosen device
 * (OpenCL, PTX or SPIR-V). With the project's JVM implementation of the API the plan runs the same
 * kernels sequentially on the calling thread, which proves the graph wiring against the fixtures.
 */
public final class TornadoBackend implements Backend {
    private final TornadoDevice device; // null: TornadoVM's default device
    private final Map<Program, Member> members = new IdentityHashMap<>();
    private final Map<Program, TornadoExecutionResult> lastResults = new IdentityHashMap<>();
    private int graphCounter;

    /** A program's plan and the index of its graph in that plan. */
    private record Member(TornadoExecutionPlan plan, int graph, List<Program> group) {}

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
        Member m = members.get(program);
        if (m == null) {
            group(program);
            m = members.get(program);
        }
        TornadoExecutionPlan plan = m.plan();
        if (m.group().size() > 1) plan.withGraph(m.graph());
        lastResults.put(program, plan.execute());
    }

    @Override
    public void group(Program... programs) {
        List<Program> group = List.of(programs);
        Map<Program, String> names = new HashMap<>();
        ImmutableTaskGraph[] graphs = new ImmutableTaskGraph[programs.length];
        for (int i = 0; i < programs.length; i++) {
            Program p = programs[i];
            if (members.containsKey(p)) throw new IllegalStateException("program " + p.name() + " already has a plan; release it first");
            String name = p.name() + "_" + (graphCounter++);
            names.put(p, name);
            graphs[i] = graph(p, name, names).snapshot();
        }
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graphs);
        if (device != null) plan.withDevice(device);
        for (int i = 0; i < programs.length; i++) members.put(programs[i], new Member(plan, i, group));
    }

    private static TaskGraph graph(Program p, String name, Map<Program, String> names) {
        TaskGraph g = new TaskGraph(name);
        for (Program.Consumed c : p.consumedBuffers()) {
            String from = names.get(c.producer());
            if (from == null)
                throw new IllegalStateException("program " + p.name() + " consumes buffers of " + c.producer().name()
                        + ", which must come earlier in the same group");
            g.consumeFromDevice(from, c.buffers().toArray());
        }
        if (!p.onceToDeviceBuffers().isEmpty())
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, p.onceToDeviceBuffers().toArray());
        if (!p.everyToDeviceBuffers().isEmpty())
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, p.everyToDeviceBuffers().toArray());
        for (Launch l : p.launches()) {
            l.addTo(g, l.id());
        }
        if (!p.persistedBuffers().isEmpty())
            g.persistOnDevice(p.persistedBuffers().toArray());
        if (!p.everyToHostBuffers().isEmpty())
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, p.everyToHostBuffers().toArray());
        return g;
    }

    /** Through the last execution result of {@code program}; nothing when it has not run (the host arrays are current). */
    @Override
    public void toHost(Program program, Object... buffers) {
        TornadoExecutionResult r = lastResults.get(program);
        if (r != null) r.transferToHost(buffers);
    }

    @Override
    public void release(Program... programs) {
        for (Program p : programs) {
            Member m = members.get(p);
            if (m == null) continue;
            for (Program q : m.group()) {
                members.remove(q);
                lastResults.remove(q);
            }
            closeQuietly(m.plan());
        }
    }

    /** Frees the plan of a program that is no longer used. */
    public void forget(Program p) {
        release(p);
    }

    @Override
    public void close() {
        List<TornadoExecutionPlan> plans = new ArrayList<>();
        for (Member m : members.values()) if (!plans.contains(m.plan())) plans.add(m.plan());
        for (TornadoExecutionPlan plan : plans) closeQuietly(plan);
        members.clear();
        lastResults.clear();
    }

    private static void closeQuietly(TornadoExecutionPlan plan) {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            // freeing device memory failed; nothing more to do at shutdown
        }
    }
}
