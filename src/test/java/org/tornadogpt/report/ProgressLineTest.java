package org.tornadogpt.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class ProgressLineTest {

    private static final long SEC = 1_000_000_000L;

    /** A settable clock. */
    private static final class Clock {
        long nanos = 5 * SEC;

        long now() {
            return nanos;
        }

        void advance(double seconds) {
            nanos += (long) (seconds * SEC);
        }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final Clock clock = new Clock();

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void formatWithRateAndEta() {
        ProgressLine p = new ProgressLine(90, out, false, Duration.ZERO, clock::now);
        p.update(1, 1, 10.5, 512);             // reference point: no rate yet
        clock.advance(2.5);
        p.update(11, 2, 5.12345, 512 + 10 * 1024); // 10 steps, 10240 tokens in 2.5 s
        String[] lines = output().split("\n");
        assertEquals("step 1/90 | epoch 1 | loss 10.500 | -- tok/s | ETA --", lines[0]);
        // 4096 tok/s; 79 steps left at 0.25 s each = 19.75 s -> 20s
        assertEquals("step 11/90 | epoch 2 | loss 5.123 | 4096 tok/s | ETA 20s", lines[1]);
    }

    @Test
    void durations() {
        assertEquals("0s", ProgressLine.formatDuration(0.2));
        assertEquals("45s", ProgressLine.formatDuration(45));
        assertEquals("1m23s", ProgressLine.formatDuration(83));
        assertEquals("1m05s", ProgressLine.formatDuration(65));
        assertEquals("2h05m", ProgressLine.formatDuration(2 * 3600 + 5 * 60 + 7));
        assertEquals("3d04h", ProgressLine.formatDuration(3 * 86400 + 4 * 3600));
    }

    @Test
    void plainOutputIsThrottledButShowsFirstAndLastStep() {
        ProgressLine p = new ProgressLine(100, out, false, Duration.ofSeconds(10), clock::now);
        for (int step = 1; step <= 100; step++) {
            p.update(step, 1, 3.0, step * 100L);
            clock.advance(1.0); // one step per second: a line every 10 steps at most
        }
        p.finish();
        String[] lines = output().split("\n");
        assertFalse(output().contains("\r"));
        assertTrue(lines[0].startsWith("step 1/100 "), lines[0]);
        assertTrue(lines[1].startsWith("step 11/100 "), lines[1]);
        assertTrue(lines[lines.length - 1].startsWith("step 100/100 "), lines[lines.length - 1]);
        assertEquals(11, lines.length); // 1, 11, 21, ..., 91, 100
        // 100 tokens per second, nothing left to do
        assertTrue(lines[lines.length - 1].endsWith("| 100 tok/s | ETA 0s"), lines[lines.length - 1]);
    }

    @Test
    void finishPrintsAHeldBackLastUpdate() {
        ProgressLine p = new ProgressLine(100, out, false, Duration.ofMinutes(1), clock::now);
        p.update(1, 1, 3.0, 100);
        clock.advance(1);
        p.update(2, 1, 2.5, 200); // held back by the interval
        assertEquals(1, output().split("\n").length);
        p.finish();
        String[] lines = output().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[1].startsWith("step 2/100 | epoch 1 | loss 2.500"), lines[1]);
        p.finish(); // idempotent
        assertEquals(2, output().split("\n").length);
    }

    @Test
    void terminalModeRewritesOneLine() {
        ProgressLine p = new ProgressLine(90, out, true, Duration.ofSeconds(10), clock::now);
        p.update(1, 1, 10.123, 512);
        clock.advance(1);
        p.update(2, 1, 9.5, 1024);
        String s = output();
        assertFalse(s.contains("\n"), "no newline while running");
        assertEquals(2, s.chars().filter(c -> c == '\r').count(), "every update redraws");
        assertTrue(s.endsWith("\rstep 2/90 | epoch 1 | loss 9.500 | 512 tok/s | ETA 1m28s"), s);
        p.finish();
        assertTrue(output().endsWith("ETA 1m28s\n"));
    }

    @Test
    void terminalModeBlanksOutALongerPreviousLine() {
        ProgressLine p = new ProgressLine(1000, out, true, Duration.ZERO, clock::now);
        p.update(1, 1, 123456.0, 1);
        String first = output();
        clock.advance(1);
        p.update(2, 1, 1.0, 2);
        String second = output().substring(first.length());
        int firstWidth = first.length() - 1;
        assertEquals(firstWidth + 1, second.length(), "shorter line is padded over the old one: '" + second + "'");
        assertTrue(second.startsWith("\rstep 2/1000 | epoch 1 | loss 1.000 | 1 tok/s"));
    }

    @Test
    void messagesDoNotGarbleTheLine() {
        ProgressLine p = new ProgressLine(10, out, true, Duration.ZERO, clock::now);
        p.update(1, 1, 4.0, 10);
        p.message("Ep 1 (Step 000001): Train loss 4.000, Val loss 4.100");
        String s = output();
        String line = "step 1/10 | epoch 1 | loss 4.000 | -- tok/s | ETA --";
        String blank = "\r" + " ".repeat(line.length()) + "\r";
        assertEquals("\r" + line + blank + "Ep 1 (Step 000001): Train loss 4.000, Val loss 4.100\n\r" + line, s);

        ByteArrayOutputStream plainBytes = new ByteArrayOutputStream();
        ProgressLine plain = new ProgressLine(10, new PrintStream(plainBytes, true, StandardCharsets.UTF_8), false,
                Duration.ZERO, clock::now);
        plain.message("hello");
        assertEquals("hello\n", plainBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nanLossAndBadTotal() {
        ProgressLine p = new ProgressLine(5, out, false, Duration.ZERO, clock::now);
        p.update(1, 1, Double.NaN, 1);
        assertTrue(output().contains("| loss nan |"));
        assertThrows(IllegalArgumentException.class, () -> new ProgressLine(0, out, false, Duration.ZERO));
    }
}
