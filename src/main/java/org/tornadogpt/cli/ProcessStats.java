package org.tornadogpt.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Peak memory of this process, for the statistics lines of the commands. */
final class ProcessStats {
    private ProcessStats() {}

    /** Sum of the peak usage of every heap pool, in bytes. */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Peak resident set size (VmHWM) in bytes, or -1 where /proc is not available. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no RSS figure
        }
        return -1;
    }

    static String memory() {
        long rss = peakRssBytes();
        return String.format(Locale.ROOT, "peak heap %.0f MiB", peakHeapBytes() / 1048576.0)
                + (rss < 0 ? "" : String.format(Locale.ROOT, ", peak RSS %.0f MiB", rss / 1048576.0));
    }
}
