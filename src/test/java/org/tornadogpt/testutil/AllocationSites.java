package org.tornadogpt.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a piece of code allocates, from JFR's allocation samples: runs it under a recording of
 * {@code jdk.ObjectAllocationSample} (with stack traces, unthrottled) and sums the sampled weight
 * per allocated class and allocating frames. Used to explain a failed allocation check.
 */
public final class AllocationSites {
    private AllocationSites() {
    }

    /**
     * Runs {@code work} under the recording and returns the heaviest sites allocated by the given
     * threads, one per line: the summed sample weight (bytes, as JFR estimates them), the class and
     * the top frames, up to the second frame of this project.
     */
    public static String of(Runnable work, Set<Long> threadIds, int top) {
        Path file = null;
        try (Recording rec = new Recording()) {
            rec.enable("jdk.ObjectAllocationSample").withStackTrace().with("throttle", "1000000/s");
            rec.start();
            work.run();
            rec.stop();
            file = Files.createTempFile("alloc-sites", ".jfr");
            rec.dump(file);
            Map<String, Long> bytes = new HashMap<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getThread() == null || !threadIds.contains(e.getThread().getJavaThreadId())) continue;
                if (fromRecorder(e)) continue; // the recording's own set-up
                String cls = e.getClass("objectClass").getName();
                bytes.merge(cls + " at " + frames(e), e.getLong("weight"), Long::sum);
            }
            if (bytes.isEmpty()) return "  (no allocation sampled)";
            return bytes.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(top)
                    .map(x -> "  weight " + x.getValue() + ": " + x.getKey())
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    private static boolean fromRecorder(RecordedEvent e) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getType().getName().startsWith("jdk.jfr."));
    }

    private static String frames(RecordedEvent e) {
        if (e.getStackTrace() == null) return "(no stack)";
        List<RecordedFrame> fs = e.getStackTrace().getFrames();
        StringBuilder sb = new StringBuilder();
        int shown = 0, project = 0;
        for (RecordedFrame f : fs) {
            if (f.getMethod().getType().getName().startsWith("org.tornadogpt.")) project++;
            if (!sb.isEmpty()) sb.append(" < ");
            sb.append(frame(f));
            if (++shown >= 6 || project >= 2) break;
        }
        return sb.toString();
    }

    private static String frame(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber()
                + "[" + f.getType() + "]";
    }
}
