package org.tornadogpt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.tornadogpt.graphs.Launch;
import org.tornadogpt.graphs.Program;
import org.tornadogpt.kernels.ResidualKernels;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/** How TornadoBackend cuts a long program into TaskGraphs and moves buffers between them. */
class TornadoBackendSegmentsTest {

    @Test
    void eachBufferIsCopiedInAndPersistedByTheGraphThatAllocatesItAndConsumedByTheLaterOnes() {
        int n = 4;
        FloatArray w = new FloatArray(n), in = new FloatArray(n), x1 = new FloatArray(n), x2 = new FloatArray(n),
                x3 = new FloatArray(n), out = new FloatArray(n), unused = new FloatArray(n);
        Program p = new Program("p");
        p.onceToDevice(w, unused).everyToDevice(in).everyToHost(out, x1);
        p.add(Launch.of("a", ResidualKernels::forward, 0, n, x1, 0, in, 0, w, 0));   // graph 0
        p.add(Launch.of("b", ResidualKernels::forward, 0, n, x2, 0, x1, 0, w, 0));   // graph 0
        p.add(Launch.of("c", ResidualKernels::forward, 0, n, x3, 0, x2, 0, x2, 0));  // graph 1
        p.add(Launch.of("d", ResidualKernels::forward, 0, n, x3, 0, x3, 0, x3, 0));  // graph 1
        p.add(Launch.of("e", ResidualKernels::forward, 0, n, out, 0, x3, 0, x1, 0)); // graph 2
        p.add(Launch.of("f", ResidualKernels::forward, 0, n, out, 0, out, 0, w, 0)); // graph 2
        List<TornadoBackend.Segment> s = TornadoBackend.segments(p, 2, "p_0", null, Set.of(), Set.of());
        assertEquals(3, s.size());
        assertEquals(List.of("p_0_g0", "p_0_g1", "p_0_g2"), s.stream().map(TornadoBackend.Segment::name).toList());

        TornadoBackend.Segment g0 = s.get(0), g1 = s.get(1), g2 = s.get(2);
        assertEquals(List.of("a", "b"), g0.launches().stream().map(Launch::id).toList());
        same(List.of(w), g0.onceIn());
        same(List.of(in), g0.everyIn());
        assertTrue(g0.consume().isEmpty());
        same(List.of(x1, in, w, x2), g0.persist()); // everything graph 0 allocates, intermediates too
        assertTrue(g0.everyOut().isEmpty() && g0.hostOut().isEmpty());

        // x1 and w pass through graph 1 (unused there) on their way to graph 2
        assertTrue(g1.onceIn().isEmpty() && g1.everyIn().isEmpty());
        assertEquals(List.of("p_0_g0"), List.copyOf(g1.consume().keySet()));
        same(List.of(x1, w, x2), g1.consume().get("p_0_g0"));
        same(List.of(x3), g1.persist());

        Map<String, List<Object>> c2 = g2.consume();
        assertEquals(List.of("p_0_g1"), List.copyOf(c2.keySet()));
        same(List.of(x1, w, x3), c2.get("p_0_g1"));
        same(List.of(out), g2.persist());
        // out lives in graph 2 only: copied out by it; x1 came from graph 0: copied out after the run
        same(List.of(out), g2.everyOut());
        same(List.of(x1), g2.hostOut());
        eachBufferIsNamedByOneGraph(s);
    }

    @Test
    void aShortProgramIsOneGraphWithTheProgramsTransfers() {
        int n = 3;
        FloatArray w = new FloatArray(n), in = new FloatArray(n), out = new FloatArray(n);
        Program p = new Program("q").onceToDevice(w).everyToDevice(in).everyToHost(out);
        p.add(Launch.of("a", ResidualKernels::forward, 0, n, out, 0, in, 0, w, 0));
        List<TornadoBackend.Segment> s = TornadoBackend.segments(p, 32, "q_7", null, Set.of(), Set.of());
        assertEquals(1, s.size());
        assertEquals("q_7", s.getFirst().name());
        same(List.of(w), s.getFirst().onceIn());
        same(List.of(in), s.getFirst().everyIn());
        same(List.of(out), s.getFirst().everyOut());
        same(List.of(out, in, w), s.getFirst().persist()); // so that closing the plan frees them all
        assertTrue(s.getFirst().consume().isEmpty() && s.getFirst().hostOut().isEmpty());
    }

    @Test
    void buffersCarriedInAndOutOfAProgramLiveToItsEnd() {
        int n = 2;
        FloatArray params = new FloatArray(n), grads = new FloatArray(n), x = new FloatArray(n), y = new FloatArray(n);
        Program p = new Program("bwd");
        p.add(Launch.of("a", ResidualKernels::forward, 0, n, x, 0, x, 0, x, 0));             // graph 0
        p.add(Launch.of("b", ResidualKernels::forward, 0, n, grads, 0, x, 0, x, 0));         // graph 1
        p.add(Launch.of("c", ResidualKernels::forward, 0, n, y, 0, params, 0, params, 0));   // graph 2
        List<TornadoBackend.Segment> s = TornadoBackend.segments(p, 1, "bwd_3", "fwd_2_g4", identity(params), identity(params, grads));
        assertEquals(3, s.size());
        // params: consumed from the producer's last graph by the first graph, carried to the end;
        // the producer owns it, so no graph of this program names it in a transfer
        same(List.of(params), s.get(0).consume().get("fwd_2_g4"));
        same(List.of(x), s.get(0).persist());
        same(List.of(params, x), s.get(1).consume().get("bwd_3_g0"));
        // grads: allocated by graph 1, carried to the last graph for the programs after this one
        same(List.of(grads), s.get(1).persist());
        same(List.of(params, grads), s.get(2).consume().get("bwd_3_g1"));
        same(List.of(y), s.get(2).persist());
        assertTrue(s.get(2).everyOut().isEmpty() && s.get(2).hostOut().isEmpty());
        eachBufferIsNamedByOneGraph(s);
    }

    @Test
    void aCarriedBufferTheHostReadsIsCopiedOutAfterTheLastGraph() {
        int n = 2;
        FloatArray cache = new FloatArray(n), logits = new FloatArray(n), x = new FloatArray(n);
        Program p = new Program("dec").everyToHost(cache, logits);
        p.add(Launch.of("a", ResidualKernels::forward, 0, n, x, 0, cache, 0, cache, 0));     // graph 0
        p.add(Launch.of("b", ResidualKernels::forward, 0, n, logits, 0, x, 0, x, 0));        // graph 1
        List<TornadoBackend.Segment> s = TornadoBackend.segments(p, 1, "dec_1", "up_0", identity(cache), identity(cache));
        same(List.of(cache), s.get(0).consume().get("up_0"));
        same(List.of(x), s.get(0).persist());
        assertTrue(s.get(0).everyOut().isEmpty());
        same(List.of(cache, x), s.get(1).consume().get("dec_1_g0"));
        same(List.of(logits), s.get(1).persist());
        same(List.of(logits), s.get(1).everyOut());
        same(List.of(cache), s.get(1).hostOut());
        eachBufferIsNamedByOneGraph(s);
    }

    @Test
    void aLaunchThatPassesOneBufferTwiceIsRefused() {
        int n = 2;
        FloatArray x = new FloatArray(n), y = new FloatArray(n);
        TornadoBackend.checkDistinctBuffers(Launch.of("ok", ResidualKernels::accumulate, 0, n, x, 0, y, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TornadoBackend.checkDistinctBuffers(Launch.of("res", ResidualKernels::forward, 0, n, x, 0, x, 0, y, 0)));
        assertTrue(e.getMessage().contains("task res passes the same buffer as arguments 2 and 4"), e.getMessage());
    }

    /**
     * Closing a plan frees the device buffers each graph names in a transfer, per graph; a buffer
     * two graphs name (they share its device buffer) would be freed twice.
     */
    static void eachBufferIsNamedByOneGraph(List<TornadoBackend.Segment> segs) {
        Map<Object, String> namedBy = new IdentityHashMap<>();
        for (TornadoBackend.Segment g : segs) {
            Set<Object> named = Collections.newSetFromMap(new IdentityHashMap<>());
            named.addAll(g.onceIn());
            named.addAll(g.everyIn());
            named.addAll(g.persist());
            named.addAll(g.everyOut());
            for (Object b : named) {
                String other = namedBy.put(b, g.name());
                assertTrue(other == null, "a buffer is named by the transfers of " + other + " and " + g.name());
            }
            for (List<Object> taken : g.consume().values())
                for (Object b : taken) assertTrue(!named.contains(b), g.name() + " consumes a buffer it also transfers");
        }
    }

    static Set<Object> identity(Object... xs) {
        Set<Object> s = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(s, xs);
        return s;
    }

    static void same(List<Object> want, List<Object> got) {
        assertEquals(want.size(), got.size(), "buffers: " + got);
        for (int i = 0; i < want.size(); i++) assertSame(want.get(i), got.get(i), "buffer " + i);
    }
}
