package org.tornadogpt.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;

import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Runs programs through the TornadoVM API: each program becomes TaskGraphs (its launches as tasks,
 * in order; several graphs of at most {@link #TASKS_PER_GRAPH} tasks when it is long, passing buffers
 * on the device with persistOnDevice/consumeFromDevice) snapshotted into one TornadoExecutionPlan,
 * built on the first run and reused. Constants (weights) are transferred on the first execution
 * only, inputs on every execution, and only the program's host outputs come back.
 *
 * <p>With TornadoVM's SDK on the module path this JIT-compiles the kernels for the chosen device
 * (OpenCL, PTX or SPIR-V). With the project's JVM implementation of the API the plan runs the same
 * kernels sequentially on the calling thread, which proves the graph wiring against the fixtures.
 */
public final class TornadoBackend implements Backend {
    private final TornadoDevice device; // null: TornadoVM's default device
    private final Map<String, TornadoDevice> phaseDevices; // program-name prefix -> device
    private final Map<Program, Planned> plans = new IdentityHashMap<>();

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
        Planned pl = plans.computeIfAbsent(program, this::plan);
        if (pl.graphs() == 1) {
            pl.plan().execute();
        } else {
            // one graph at a time: TornadoVM hands persisted buffers from the graph executed last
            // to the next (plan.execute() would run them all without that hand-over)
            for (int k = 0; k < pl.graphs(); k++) pl.plan().withGraph(k).execute();
        }
    }

    /** A program's execution plan and how many graphs it has. */
    private record Planned(TornadoExecutionPlan plan, int graphs) {}

    private Planned plan(Program p) {
        String base = p.name() + "_" + GRAPH_IDS.getAndIncrement();
        List<Segment> segments = segments(p, TASKS_PER_GRAPH, base);
        ImmutableTaskGraph[] graphs = new ImmutableTaskGraph[segments.size()];
        for (int k = 0; k < graphs.length; k++) {
            Segment s = segments.get(k);
            TaskGraph g = new TaskGraph(s.name());
            s.consume().forEach((from, objs) -> g.consumeFromDevice(from, objs.toArray()));
            if (!s.onceIn().isEmpty()) g.transferToDevice(DataTransferMode.FIRST_EXECUTION, s.onceIn().toArray());
            if (!s.everyIn().isEmpty()) g.transferToDevice(DataTransferMode.EVERY_EXECUTION, s.everyIn().toArray());
            for (Launch l : s.launches()) l.addTo(g, l.id());
            if (!s.persist().isEmpty()) g.persistOnDevice(s.persist().toArray());
            if (!s.everyOut().isEmpty()) g.transferToHost(DataTransferMode.EVERY_EXECUTION, s.everyOut().toArray());
            graphs[k] = g.snapshot();
        }
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graphs);
        TornadoDevice d = deviceFor(p.name());
        if (d != null) plan.withDevice(d);
        return new Planned(plan, graphs.length);
    }

    /**
     * Tasks per TaskGraph. TornadoVM 5.2 records a graph's tasks in a fixed 8 KiB buffer (about 90
     * tasks of our arity) and compiles it into a bytecode buffer of {@code
     * -Dtornado.tvm.maxbytecodesize} bytes, so a program longer than this becomes several graphs in
     * one execution plan, run in order, passing buffers on the device. Override with
     * {@code -Dtornadogpt.tasksPerGraph=N}.
     */
    static final int TASKS_PER_GRAPH = Math.max(1, Integer.getInteger("tornadogpt.tasksPerGraph", 32));

    private static final AtomicInteger GRAPH_IDS = new AtomicInteger();

    /**
     * One TaskGraph of a program: its launches, and its data movement. {@code consume} maps the name
     * of the graph before to the buffers taken over from it on the device; {@code persist} are the
     * buffers the next graph takes over from this one.
     */
    record Segment(String name, List<Launch> launches, List<Object> onceIn, List<Object> everyIn,
                   Map<String, List<Object>> consume, List<Object> persist, List<Object> everyOut) {}

    /**
     * Cuts a program into graphs of at most {@code maxTasks} launches. A buffer (any non-scalar
     * argument) is copied in by the first graph that uses it (once for the program's constants,
     * every run for its inputs) and copied out by the last graph that uses it when the host reads
     * it. In between it stays on the device: every graph from its first use up to (not including)
     * its last use persists it, and every graph after its first use up to its last use consumes it
     * from the graph just before, whether or not that graph's own tasks use it. (TornadoVM 5.2 takes
     * over consumed buffers only from the graph executed just before, see
     * {@code TornadoTaskGraph.updatePersistedObjectState}.) Buffers a program declares but no
     * launch uses are left alone.
     */
    static List<Segment> segments(Program p, int maxTasks, String base) {
        List<Launch> all = p.launches();
        int n = Math.max(1, (all.size() + maxTasks - 1) / maxTasks);
        List<List<Launch>> parts = new ArrayList<>();
        for (int k = 0; k < n; k++) parts.add(all.subList(k * all.size() / n, (k + 1) * all.size() / n));
        // first and last graph that uses each buffer, in order of first use
        Map<Object, int[]> span = new IdentityHashMap<>();
        List<Object> order = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            for (Launch l : parts.get(k)) {
                for (Object a : l.args()) {
                    if (a instanceof Number || a instanceof Boolean || a == null) continue;
                    int kk = k;
                    span.computeIfAbsent(a, x -> {
                        order.add(x);
                        return new int[] {kk, kk};
                    })[1] = k;
                }
            }
        }
        Set<Object> once = identitySet(p.onceToDeviceBuffers()), every = identitySet(p.everyToDeviceBuffers()),
                out = identitySet(p.everyToHostBuffers());
        List<Segment> segs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String name = n == 1 ? base : base + "_g" + k;
            List<Object> onceIn = new ArrayList<>(), everyIn = new ArrayList<>(), persist = new ArrayList<>(),
                    everyOut = new ArrayList<>(), consumed = new ArrayList<>();
            for (Object b : order) {
                int first = span.get(b)[0], last = span.get(b)[1];
                if (k < first || k > last) continue;
                if (k == first) {
                    if (once.contains(b)) onceIn.add(b);
                    else if (every.contains(b)) everyIn.add(b);
                } else {
                    consumed.add(b);
                }
                if (k < last) persist.add(b);
                else if (out.contains(b)) everyOut.add(b);
            }
            Map<String, List<Object>> consume = consumed.isEmpty() ? Map.of() : Map.of(base + "_g" + (k - 1), consumed);
            segs.add(new Segment(name, List.copyOf(parts.get(k)), onceIn, everyIn, consume, persist, everyOut));
        }
        return segs;
    }

    private static Set<Object> identitySet(List<Object> xs) {
        Set<Object> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(xs);
        return s;
    }

    /** Frees the plan of a program that is no longer used. */
    public void forget(Program p) {
        Planned pl = plans.remove(p);
        if (pl != null) closeQuietly(pl.plan());
    }

    @Override
    public void close() {
        for (Planned pl : plans.values()) closeQuietly(pl.plan());
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
