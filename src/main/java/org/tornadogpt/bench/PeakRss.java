package org.tornadogpt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's peak resident set size (Linux {@code VmHWM} in /proc/self/status). Before each
 * benchmark row the peak is reset where the kernel allows it (writing 5 to
 * /proc/self/clear_refs), so a row's figure is the peak during that row; it always includes what
 * stays resident across rows (the JVM, the model's parameters).
 */
public final class PeakRss {
    private PeakRss() {}

    /** Resets the peak to the current RSS; false when not possible (not Linux, no permission). */
    public static boolean reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Peak RSS in bytes, or -1 when unknown. */
    public static long peakBytes() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith("VmHWM:")) {
                    String[] p = l.substring(6).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024L; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
