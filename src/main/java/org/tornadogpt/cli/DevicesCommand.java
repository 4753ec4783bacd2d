package org.tornadogpt.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.Callable;

import org.tornadogpt.runtime.TornadoDevices;
import org.tornadogpt.runtime.TornadoDevices.DeviceInfo;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Lists where kernels can run: the JVM backend (always; cores, max heap, physical memory) and the
 * TornadoVM backends and devices the TornadoVM runtime reports, numbered as {@code --device} takes
 * them. Without a TornadoVM SDK the runtime is the project's JVM implementation of the API, with one
 * JAVA device.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the JVM backend and the TornadoVM backends/devices (for --backend and --device).")
public final class DevicesCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.println("jvm backend (--backend jvm, the default)");
        out.printf("  %s %s (%s), %d cores, max heap %s, physical memory %s%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.arch"),
                rt.availableProcessors(), gib(rt.maxMemory()), gib(physicalMemory()));
        out.printf("  Vector API (jdk.incubator.vector): %s%n",
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "available" : "not loaded (add --add-modules jdk.incubator.vector)");
        out.println();
        out.println("tornado backend (--backend tornado --device BACKEND:DEVICE)");
        List<DeviceInfo> devices;
        try {
            out.println("  runtime: " + TornadoDevices.runtimeName());
            devices = TornadoDevices.list();
        } catch (RuntimeException | LinkageError e) {
            out.println("  TornadoVM runtime unavailable: " + TornadoDevices.oneLine(e));
            out.flush();
            return 0;
        }
        if (devices.isEmpty()) {
            out.println("  no devices");
        } else {
            int w = Math.max(4, devices.stream().mapToInt(d -> d.name().length()).max().orElse(4));
            String fmt = "  %-6s %-8s %-7s %-" + w + "s  %-6s %13s %13s%n";
            out.printf(fmt, "DEVICE", "BACKEND", "TYPE", "NAME", "KIND", "GLOBAL MEMORY", "MAX ALLOC");
            for (DeviceInfo d : devices) {
                out.printf(fmt, d.id() + (d.isDefault() ? "*" : ""), d.backendName(), d.backendType(), d.name(), d.type(),
                        gib(d.globalMemory()), gib(d.maxAlloc()));
            }
            out.println("  (* TornadoVM's default device)");
        }
        out.flush();
        return 0;
    }

    static long physicalMemory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
                return os.getTotalMemorySize();
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot-style JVM: unknown
        }
        return -1;
    }

    static String gib(long bytes) {
        if (bytes < 0) return "unknown";
        if (bytes >= 1L << 30) return String.format("%.1f GiB", bytes / (double) (1L << 30));
        return String.format("%d MiB", bytes >> 20);
    }
}
