package org.tornadogpt.graphs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ordered list of kernel launches built once per phase (forward, backward, update, decode step)
 * and run many times by a backend. It also says which buffers are device-resident constants
 * (copied once), which change on the host before every run, and which the host reads after it;
 * {@code TornadoBackend} turns these into TaskGraph transfers, {@code JvmBackend} ignores them.
 *
 * <p>Programs that share device-resident buffers (the training step's forward, backward and update)
 * form a group run by one execution plan: a buffer stays on the device when its first program
 * declares it {@link #persistOnDevice} and later programs {@link #consumeFromDevice} it from there
 * (TornadoVM's {@code persistOnDevice}/{@code consumeFromDevice}). Persisted buffers can also be
 * fetched by the host on demand (checkpoints).
 */
public final class Program {
    private final String name;
    private final List<Launch> launches = new ArrayList<>();
    private final List<Object> onceToDevice = new ArrayList<>();
    private final List<Object> everyToDevice = new ArrayList<>();
    private final List<Object> everyToHost = new ArrayList<>();
    private final List<Object> persist = new ArrayList<>();
    private final List<Consumed> consumed = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    public Program(String name) {
        this.name = name;
    }

    public String name() { return name; }

    public Program add(Launch l) {
        if (!ids.add(l.id())) throw new IllegalArgumentException("program " + name + ": duplicate task id " + l.id());
        launches.add(l);
        return this;
    }

    /** Buffers copied to the device on the first run only (weights, persistent state). */
    public Program onceToDevice(Object... buffers) {
        Collections.addAll(onceToDevice, buffers);
        return this;
    }

    /** Buffers the host writes before each run (token ids, targets, per-step scalars). */
    public Program everyToDevice(Object... buffers) {
        Collections.addAll(everyToDevice, buffers);
        return this;
    }

    /** Buffers the host reads after each run (loss, logits). */
    public Program everyToHost(Object... buffers) {
        Collections.addAll(everyToHost, buffers);
        return this;
    }

    /** Buffers left on the device after a run, for later programs of the group and for the host on demand. */
    public Program persistOnDevice(Object... buffers) {
        Collections.addAll(persist, buffers);
        return this;
    }

    /** Buffers that {@code producer}, an earlier program of the same group, left on the device. */
    public Program consumeFromDevice(Program producer, Object... buffers) {
        if (producer == this) throw new IllegalArgumentException("program " + name + " cannot consume its own buffers");
        consumed.add(new Consumed(producer, List.of(buffers)));
        return this;
    }

    /** Buffers of {@code producer} used by this program on the device. */
    public record Consumed(Program producer, List<Object> buffers) {}

    public List<Launch> launches() { return Collections.unmodifiableList(launches); }
    public List<Object> onceToDeviceBuffers() { return Collections.unmodifiableList(onceToDevice); }
    public List<Object> everyToDeviceBuffers() { return Collections.unmodifiableList(everyToDevice); }
    public List<Object> everyToHostBuffers() { return Collections.unmodifiableList(everyToHost); }
    public List<Object> persistedBuffers() { return Collections.unmodifiableList(persist); }
    public List<Consumed> consumedBuffers() { return Collections.unmodifiableList(consumed); }
}
