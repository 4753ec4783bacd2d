package org.tornadogpt.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Runs programs through the TornadoVM API. A program becomes TaskGraphs (its launches as tasks, in
 * order; several graphs of at most {@link #TASKS_PER_GRAPH} tasks when it is long) in a
 * TornadoExecutionPlan, built on the first run and reused. Constants (weights) are transferred on
 * the first execution only, inputs on every execution, and only the program's host outputs come
 * back.
 *
 * <p>A {@linkplain #group group} of programs becomes one plan holding the graphs of all of them;
 * buffers a program persists are consumed by the later programs from the device
 * ({@code persistOnDevice}/{@code consumeFromDevice}), so parameters, gradients and optimizer state
 * never leave the device during training. {@link #toHost} copies persisted buffers back on demand
 * through the last execution result. Graphs run one at a time ({@code withGraph(i).execute()}):
 * TornadoVM 5.2 hands a consumed buffer over from the graph executed just before, so a buffer that
 * lives across graphs is consumed by every graph in between (see {@link #segments}).
 *
 * <p>Releasing a program closes its plan, and TornadoVM frees a graph's device buffers only for
 * the buffers that graph names in a transfer ({@code transferToDevice}, {@code transferToHost},
 * {@code persistOnDevice}), once per graph: so every device buffer is named by exactly one graph of
 * the plan, the graph that allocates it, and {@link #release} closes the plan with all its graphs
 * selected.
 *
 * <p>With TornadoVM's SDK on the module path this JIT-compiles the kernels for the chosen device
 * (OpenCL, PTX or SPIR-V). With the project's JVM implementation of the API the plan runs the same
 * kernels sequentially on the calling thread, which proves the graph wiring against the fixtures.
 */
public final class TornadoBackend implements Backend {
    private final TornadoDevice device; // null: TornadoVM's default device
    private final Map<String, TornadoDevice> phaseDevices; // program-name prefix -> device
    private final Map<Program, Member> members = new IdentityHashMap<>();
    private final Map<Program, TornadoExecutionResult> lastResults = new IdentityHashMap<>(); // result of a program's last graph

    /**
     * Tasks per TaskGraph. TornadoVM 5.2 records a graph's tasks in a fixed 8 KiB buffer (about 90
     * tasks of our arity; more overflow with a {@code BufferOverflowException}) and compiles it into
     * a bytecode buffer of {@code -Dtornado.tvm.maxbytecodesize} bytes (tornado-config/tornado.args),
     * so a longer program becomes several graphs. Override with {@code -Dtornadogpt.tasksPerGraph=N}.
     */
    static final int TASKS_PER_GRAPH = Math.max(1, Integer.getInteger("tornadogpt.tasksPerGraph", 32));

    private static final AtomicInteger GRAPH_IDS = new AtomicInteger();

    /**
     * A program's plan, the indexes of its graphs in that plan, its group, and the buffers copied to
     * the host after its last graph through the execution result ({@link Segment#hostOut}).
     */
    private record Member(TornadoExecutionPlan plan, int firstGraph, int graphs, List<Program> group, Object[] hostOut) {}

    public TornadoBackend() {
        this(null);
    }

    public TornadoBackend(TornadoDevice device) {
        this(device, Map.of());
    }

    /**
     * @param device       the device for every program, or null for TornadoVM's default device
     * @param phaseDevices devices for single phases: a program whose name is the key, or starts
     *                     with the key and '_', runs there (e.g. "backward", or "forward", which also
     *                     covers "forward_loss"). A group runs on the device of its first program;
     *                     programs on different devices share data only through the host.
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
        Member m = members.get(program);
        if (m == null) {
            group(program);
            m = members.get(program);
        }
        TornadoExecutionPlan plan = m.plan();
        boolean single = m.graphs() == 1 && m.group().size() == 1;
        TornadoExecutionResult r = null;
        if (single) {
            r = plan.execute();
        } else {
            for (int k = 0; k < m.graphs(); k++) r = plan.withGraph(m.firstGraph() + k).execute();
            if (m.hostOut().length > 0) r.transferToHost(m.hostOut());
        }
        lastResults.put(program, r);
    }

    @Override
    public void group(Program... programs) {
        List<Program> group = List.of(programs);
        for (int i = 0; i < programs.length; i++) {
            Program p = programs[i];
            if (members.containsKey(p)) throw new IllegalStateException("program " + p.name() + " already has a plan; release it first");
            for (Program.Consumed c : p.consumedBuffers()) {
                int j = group.indexOf(c.producer());
                if (j < 0 || j >= i)
                    throw new IllegalStateException("program " + p.name() + " consumes buffers of " + c.producer().name()
                            + ", which must come earlier in the same group");
            }
        }
        // live[i]: buffers some earlier program persists and program i or a later one consumes; they
        // cross the boundary into program i, from the last graph of program i-1 (the graph executed
        // just before, when the group runs in its order)
        List<Set<Object>> live = new ArrayList<>();
        for (int i = 0; i <= programs.length; i++) {
            Set<Object> produced = identitySet(List.of()), needed = identitySet(List.of());
            for (int j = 0; j < i; j++) produced.addAll(programs[j].persistedBuffers());
            for (int k = i; k < programs.length; k++)
                for (Program.Consumed c : programs[k].consumedBuffers()) needed.addAll(c.buffers());
            produced.retainAll(needed);
            live.add(produced);
        }
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        int[] first = new int[programs.length], count = new int[programs.length];
        Object[][] hostOut = new Object[programs.length][];
        String prev = null;
        for (int i = 0; i < programs.length; i++) {
            Program p = programs[i];
            // kept to the end: what this program persists, what later programs consume, and what it
            // took over itself; toHost syncs through the graph executed last, which must know them
            Set<Object> out = identitySet(p.persistedBuffers());
            out.addAll(live.get(i + 1));
            out.addAll(live.get(i));
            List<Segment> segs = segments(p, TASKS_PER_GRAPH, p.name() + "_" + GRAPH_IDS.getAndIncrement(), prev, live.get(i), out);
            first[i] = graphs.size();
            count[i] = segs.size();
            for (Segment sg : segs) graphs.add(graph(sg).snapshot());
            hostOut[i] = segs.getLast().hostOut().toArray();
            prev = segs.getLast().name();
        }
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graphs.toArray(ImmutableTaskGraph[]::new));
        TornadoDevice d = deviceFor(programs[0].name());
        if (d != null) plan.withDevice(d);
        for (int i = 0; i < programs.length; i++) members.put(programs[i], new Member(plan, first[i], count[i], group, hostOut[i]));
    }

    private static TaskGraph graph(Segment s) {
        TaskGraph g = new TaskGraph(s.name());
        s.consume().forEach((from, objs) -> g.consumeFromDevice(from, objs.toArray()));
        if (!s.onceIn().isEmpty()) g.transferToDevice(DataTransferMode.FIRST_EXECUTION, s.onceIn().toArray());
        if (!s.everyIn().isEmpty()) g.transferToDevice(DataTransferMode.EVERY_EXECUTION, s.everyIn().toArray());
        for (Launch l : s.launches()) {
            checkDistinctBuffers(l);
            l.addTo(g, l.id());
        }
        if (!s.persist().isEmpty()) g.persistOnDevice(s.persist().toArray());
        if (!s.everyOut().isEmpty()) g.transferToHost(DataTransferMode.EVERY_EXECUTION, s.everyOut().toArray());
        return g;
    }

    /**
     * A launch must not pass one buffer twice. TornadoVM 5.2's graph builder turns a written
     * argument into a "dependent read" of its own task, and a later argument naming the same buffer
     * then makes the task depend on itself: {@code TornadoVMGraphCompiler.scheduleAndEmitTornadoVMBytecodes}
     * never schedules it and spins forever on the first execution (an in-place {@code x = x + b}
     * written as {@code forward(x, x, b)} hung generate and eval). Kernels that update in place take
     * the buffer once ({@code ResidualKernels.accumulate}).
     */
    static void checkDistinctBuffers(Launch l) {
        Object[] a = l.args();
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i] instanceof Number || a[i] instanceof Boolean) continue;
            for (int j = i + 1; j < a.length; j++)
                if (a[j] == a[i])
                    throw new IllegalArgumentException("task " + l.id() + " passes the same buffer as arguments " + i + " and " + j
                            + "; TornadoVM 5.2 cannot schedule such a task (its graph compiler loops forever)");
        }
    }

    /**
     * One TaskGraph of a program: its launches, and its data movement. {@code consume} maps the name
     * of a graph that ran before to the buffers taken over from it on the device; {@code persist} are
     * the buffers this graph allocates, left on the device for the graphs after it; {@code everyOut}
     * are copied to the host by the graph on every run, {@code hostOut} (last graph only) after it
     * through the execution result, because a graph that takes a buffer over must not name it in a
     * transfer (see {@link #segments}).
     */
    record Segment(String name, List<Launch> launches, List<Object> onceIn, List<Object> everyIn,
                   Map<String, List<Object>> consume, List<Object> persist, List<Object> everyOut, List<Object> hostOut) {}

    /**
     * Cuts a program into graphs of at most {@code maxTasks} launches named {@code base} (one graph)
     * or {@code base_g0, base_g1, ...}. A buffer (any non-scalar argument) lives from the first
     * graph that uses it to the last:
     * <ul>
     *   <li>{@code carryIn} buffers are on the device already: the first graph consumes them from
     *       {@code previous} (the graph that runs before this program); {@code carryOut} buffers are
     *       left on the device for the programs after it. Both live from the first graph, or their
     *       first use, to the end;</li>
     *   <li>otherwise the first graph that uses a buffer allocates it and owns it: it copies it in
     *       (once for the program's constants, every run for its inputs, not at all for device-only
     *       intermediates) and persists it;</li>
     *   <li>every later graph of its life consumes it from the graph before, whether or not that
     *       graph's own tasks use it: TornadoVM 5.2 takes consumed buffers over only from the graph
     *       executed just before ({@code TornadoTaskGraph.updatePersistedObjectState}), and it does
     *       so from a graph that consumed them as well as from one that persisted them;</li>
     *   <li>no other graph names the buffer in a transfer. Closing a plan frees, graph by graph, the
     *       device buffers the graph transfers or persists: a device-only buffer that no graph names
     *       is never freed, and one that two graphs name (they share the device buffer) is freed
     *       twice, which TornadoVM refuses with "trying to deallocate an invalid buffer";</li>
     *   <li>a buffer the host reads every run is copied out by its own graph when it lives in one
     *       graph only; otherwise it lives to the last graph and is copied out after it through the
     *       execution result ({@code hostOut}).</li>
     * </ul>
     * Buffers the program declares but neither uses nor carries are left alone.
     */
    static List<Segment> segments(Program p, int maxTasks, String base, String previous, Set<Object> carryIn, Set<Object> carryOut) {
        List<Launch> all = p.launches();
        int n = Math.max(1, (all.size() + maxTasks - 1) / maxTasks);
        List<List<Launch>> parts = new ArrayList<>();
        for (int k = 0; k < n; k++) parts.add(all.subList(k * all.size() / n, (k + 1) * all.size() / n));
        // life of each buffer [first, last] in graphs, in order of first appearance
        Map<Object, int[]> span = new IdentityHashMap<>();
        List<Object> order = new ArrayList<>();
        if (!carryIn.isEmpty() && previous == null) throw new IllegalArgumentException("buffers to carry in but no previous graph");
        for (Object b : carryIn) life(span, order, b, 0);
        for (int k = 0; k < n; k++)
            for (Launch l : parts.get(k))
                for (Object a : l.args())
                    if (!(a instanceof Number || a instanceof Boolean || a == null)) life(span, order, a, k)[1] = k;
        for (Object b : carryOut) life(span, order, b, n - 1)[1] = n - 1;
        Set<Object> once = identitySet(p.onceToDeviceBuffers()), every = identitySet(p.everyToDeviceBuffers()),
                out = identitySet(p.everyToHostBuffers());
        List<Object> hostOut = new ArrayList<>();
        for (Object b : order) {
            int[] life = span.get(b);
            if (out.contains(b) && (carryIn.contains(b) || life[0] != life[1])) {
                life[1] = n - 1;
                hostOut.add(b);
            }
        }

        List<Segment> segs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String name = n == 1 ? base : base + "_g" + k;
            List<Object> onceIn = new ArrayList<>(), everyIn = new ArrayList<>(), persist = new ArrayList<>(), everyOut = new ArrayList<>();
            Map<String, List<Object>> consume = new LinkedHashMap<>();
            for (Object b : order) {
                int first = span.get(b)[0], last = span.get(b)[1];
                if (k < first || k > last) continue;
                if (k == first && carryIn.contains(b)) {
                    consume.computeIfAbsent(previous, x -> new ArrayList<>()).add(b);
                } else if (k == first) {
                    if (once.contains(b)) onceIn.add(b);
                    else if (every.contains(b)) everyIn.add(b);
                    persist.add(b);
                    if (out.contains(b) && last == first) everyOut.add(b);
                } else {
                    consume.computeIfAbsent(base + "_g" + (k - 1), x -> new ArrayList<>()).add(b);
                }
            }
            segs.add(new Segment(name, List.copyOf(parts.get(k)), onceIn, everyIn, consume, persist, everyOut,
                    k == n - 1 ? hostOut : List.of()));
        }
        return segs;
    }

    /** The life of buffer b, starting at graph k if it is new. */
    private static int[] life(Map<Object, int[]> span, List<Object> order, Object b, int k) {
        return span.computeIfAbsent(b, x -> {
            order.add(x);
            return new int[] {k, k};
        });
    }

    private static Set<Object> identitySet(List<Object> xs) {
        Set<Object> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(xs);
        return s;
    }

    /**
     * Through the last execution result of {@code program}; nothing when it has not run (the host
     * arrays are current). TornadoVM 5.2 syncs through the graph its plan executed last, so the
     * programs of a group keep every buffer they share to their last graph ({@link #group}); a graph
     * that consumed a buffer syncs it as well as one that persisted it.
     */
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
            closeAll(m.plan());
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
        for (TornadoExecutionPlan plan : plans) closeAll(plan);
        members.clear();
        lastResults.clear();
    }

    /**
     * Frees the device memory of every graph of the plan. {@code TornadoExecutionPlan.close} frees
     * the graphs currently selected, which {@code withGraph(i)} narrowed to graph i; {@code
     * withAllGraphs} selects them all again. Each device buffer is named by one graph only
     * ({@link #segments}), so none is freed twice.
     */
    private static void closeAll(TornadoExecutionPlan plan) {
        try {
            plan.withAllGraphs();
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            // freeing device memory failed; nothing more to do at shutdown
        }
    }
}
